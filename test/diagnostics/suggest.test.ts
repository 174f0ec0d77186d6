import { describe, expect, it } from "vitest";
import { closestName, didYouMean, editDistance } from "../../diagnostics/suggest.js";

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and swaps", () => {
    expect(editDistance("dense", "dense")).toBe(0);
    expect(editDistance("dens", "dense")).toBe(1);
    expect(editDistance("dnese", "dense")).toBe(1);
    expect(editDistance("conv", "conv2d")).toBe(2);
    expect(editDistance("", "abc")).toBe(3);
  });
});

describe("closestName", () => {
  const layers = ["dense", "dropout", "conv2d", "conv1d", "max_pool2d", "flatten"];
  it("suggests the nearest plausible candidate", () => {
    expect(closestName("dnese", layers)).toBe("dense");
    expect(closestName("conv2", layers)).toBe("conv2d");
    expect(closestName("maxpool2d", layers)).toBe("max_pool2d");
    expect(closestName("Flatten", layers)).toBe("flatten");
  });
  it("suggests nothing when every candidate is far away", () => {
    expect(closestName("transformer", layers)).toBeUndefined();
    expect(closestName("x", layers)).toBeUndefined();
  });
  it("words the help line", () => {
    expect(didYouMean("softmx", ["softmax", "relu"])).toBe("did you mean `softmax`?");
    expect(didYouMean("zzz", ["softmax"])).toBeUndefined();
  });
});
