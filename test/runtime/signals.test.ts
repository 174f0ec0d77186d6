/**
 * `watchStopRequests`: outside a graceful section a request exits at once with 130; inside,
 * it aborts the signal and lets the work finish; a second signal within a second (the
 * terminal's copy and `dlm`'s forwarded one) is the same request, a later one exits at once;
 * the parent's exit never hurries a stop already under way; `dispose` removes every handler.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { EXIT_INTERRUPTED, watchStopRequests, type StopRequestIo } from "../../runtime/signals.js";

function recordingIo(): StopRequestIo & { lines: string[]; exits: number[] } {
  const lines: string[] = [];
  const exits: number[] = [];
  return { lines, exits, write: (text) => lines.push(text.trim()), exit: (code) => exits.push(code) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("watchStopRequests", () => {
  it("exits at once with 130 outside a graceful section", () => {
    const io = recordingIo();
    const requests = watchStopRequests(io);
    requests.request("SIGTERM");
    requests.dispose();
    expect(io.exits).toEqual([EXIT_INTERRUPTED]);
    expect(io.lines).toEqual(["dlm: SIGTERM received: stopping"]);
  });

  it("inside a graceful section aborts the signal and lets the work finish", async () => {
    const io = recordingIo();
    const requests = watchStopRequests(io);
    const result = await requests.stopGracefully(async (signal) => {
      expect(signal.aborted).toBe(false);
      requests.request("SIGINT");
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBe("SIGINT");
      return "saved";
    });
    requests.dispose();
    expect(result).toBe("saved");
    expect(io.exits).toEqual([]);
    expect(io.lines).toEqual(["dlm: SIGINT received: stopping after this batch and saving a checkpoint…"]);
  });

  it("counts a second signal within a second as the same request, a later one as insisting", async () => {
    vi.useFakeTimers();
    const io = recordingIo();
    const requests = watchStopRequests(io);
    await requests.stopGracefully(async () => {
      requests.request("SIGINT");
      vi.advanceTimersByTime(200);
      requests.request("SIGINT");
      requests.request("parent exited");
      expect(io.exits).toEqual([]);
      vi.advanceTimersByTime(1500);
      requests.request("SIGINT");
      requests.request("parent exited");
    });
    requests.dispose();
    expect(io.exits).toEqual([EXIT_INTERRUPTED]);
    expect(io.lines.at(-1)).toBe("dlm: SIGINT again: exiting without waiting for the checkpoint");
  });

  it("says when the parent went away", async () => {
    const io = recordingIo();
    const requests = watchStopRequests(io);
    await requests.stopGracefully(async () => requests.request("parent exited"));
    requests.dispose();
    expect(io.lines).toEqual([
      "dlm: the `dlm` process that started this program exited: stopping after this batch and saving a checkpoint…",
    ]);
  });

  it("handles the process's SIGINT and SIGTERM until disposed", () => {
    const before = { int: process.listenerCount("SIGINT"), term: process.listenerCount("SIGTERM") };
    const io = recordingIo();
    const requests = watchStopRequests(io);
    expect(process.listenerCount("SIGINT")).toBe(before.int + 1);
    process.emit("SIGINT", "SIGINT");
    expect(io.exits).toEqual([EXIT_INTERRUPTED]);
    requests.dispose();
    expect(process.listenerCount("SIGINT")).toBe(before.int);
    expect(process.listenerCount("SIGTERM")).toBe(before.term);
  });
});
