/**
 * Runs across machines for the torch engine: reads `--nnodes`, `--node-rank`, `--rdzv` and
 * `--launcher` (bad values are usage errors), and writes the torchrun command each machine
 * runs, with the flags spelled as torch's launcher wants them.
 */
import { CliError } from "../cli-contract.js";

/** Where this machine stands in a run of one or more machines. */
export interface NodeLayout {
  readonly nnodes: number;
  readonly nodeRank: number;
  /** The rendezvous endpoint `HOST:PORT` (machine 0 hosts it); undefined on one machine. */
  readonly rdzv?: string;
  /** `local`: DLM starts this machine's processes; `torchrun`: DLM runs this machine's torchrun command. */
  readonly launcher: "local" | "torchrun";
}

/** The node flags of `dlm run`, as commander hands them over. */
export interface NodeFlags {
  readonly nnodes?: number;
  readonly nodeRank?: string;
  readonly rdzv?: string;
  readonly launcher?: "local" | "torchrun";
}

/** A host name, an IPv4 address or a bracketed IPv6 address, then a port. */
const ENDPOINT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

/** Checks the node flags; a usage error (exit 2) says what is wrong and what was expected. */
export function readNodeLayout(flags: NodeFlags): NodeLayout {
  const nnodes = flags.nnodes ?? 1;
  if (flags.nodeRank !== undefined && flags.nnodes === undefined) throw new CliError("--node-rank needs --nnodes (the number of machines)");
  let nodeRank = 0;
  if (flags.nodeRank !== undefined) {
    if (!/^\d+$/.test(flags.nodeRank)) throw new CliError(`--node-rank expects a whole number from 0 to ${nnodes - 1}, found \`${flags.nodeRank}\``);
    nodeRank = Number(flags.nodeRank);
    if (nodeRank >= nnodes) {
      throw new CliError(`--node-rank ${nodeRank} is not below --nnodes ${nnodes}: the machines of this run have ranks 0 to ${nnodes - 1}`);
    }
  }
  if (nnodes > 1 && flags.rdzv === undefined) {
    throw new CliError("--nnodes above 1 needs --rdzv HOST:PORT, the rendezvous endpoint on machine 0 (e.g. --rdzv host0:29400)");
  }
  if (flags.rdzv !== undefined) {
    const port = ENDPOINT.exec(flags.rdzv)?.[1];
    if (port === undefined || Number(port) < 1 || Number(port) > 65535) {
      throw new CliError(`--rdzv expects HOST:PORT with a port from 1 to 65535 (e.g. host0:29400), found \`${flags.rdzv}\``);
    }
  }
  return { nnodes, nodeRank, ...(flags.rdzv === undefined ? {} : { rdzv: flags.rdzv }), launcher: flags.launcher ?? "local" };
}

/** Whether the run needs torchrun: several machines, or `--launcher torchrun`. */
export function usesTorchrun(layout: NodeLayout): boolean {
  return layout.nnodes > 1 || layout.launcher === "torchrun";
}

/** torchrun's arguments for machine `nodeRank`: the node flags, then the program and its arguments. */
export function torchrunArguments(
  layout: NodeLayout,
  nodeRank: number,
  nproc: number,
  runId: string,
  program: string,
  programArgs: readonly string[],
): string[] {
  const rendezvous =
    layout.rdzv === undefined
      ? ["--standalone"]
      : ["--nnodes", String(layout.nnodes), "--node_rank", String(nodeRank), "--rdzv_backend", "c10d", "--rdzv_endpoint", layout.rdzv, "--rdzv_id", runId];
  return [...rendezvous, "--nproc_per_node", String(nproc), program, ...programArgs];
}

/** A word as a POSIX shell reads it back unchanged: bare when it is safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** `torchrun ARGS…` as one line to paste into a shell. */
export function torchrunCommandLine(args: readonly string[]): string {
  return ["torchrun", ...args].map(shellWord).join(" ");
}
