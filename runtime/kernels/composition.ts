/**
 * A composed kernel runs other kernels of the same backend (Conv2D, Transpose, ...)
 * directly, below the engine, so no tensor is created and nothing is recorded on the
 * gradient tape. `Composition` is the scratchpad that makes this safe: every call's
 * output is tracked, and everything but the returned result is freed on the way out.
 */
import * as tf from "@tensorflow/tfjs";
import { float32View, hasDirectMemory, newFloat32Output } from "./backend-memory.js";

type TensorInfo = tf.TensorInfo;

/** The calls a composed kernel may make on its backend; every output is an intermediate until returned. */
export class Composition {
  private readonly intermediates: TensorInfo[] = [];

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs the backend's own kernel `kernelName` and tracks its output. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): TensorInfo {
    const config = tf.getKernel(kernelName, this.backendName);
    if (config === undefined) {
      throw new Error(`composed kernel needs '${kernelName}', which backend '${this.backendName}' lacks`);
    }
    const output = config.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(output)) {
      output.forEach((each) => this.intermediates.push(each));
      throw new Error(`composed kernel expected one output from '${kernelName}', got ${output.length}`);
    }
    this.intermediates.push(output);
    return output;
  }

  /** `Transpose`; a no-op permutation still returns a tracked tensor. */
  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    return this.run(tf.Transpose, { x }, { perm: [...perm] });
  }

  /** NCHW → NHWC; NHWC passes through untouched. */
  toChannelsLast(x: TensorInfo, dataFormat: "NHWC" | "NCHW"): TensorInfo {
    return dataFormat === "NCHW" ? this.transpose(x, [0, 2, 3, 1]) : x;
  }

  /** NHWC → NCHW when the kernel's caller works in NCHW. */
  fromChannelsLast(x: TensorInfo, dataFormat: "NHWC" | "NCHW"): TensorInfo {
    return dataFormat === "NCHW" ? this.transpose(x, [0, 3, 1, 2]) : x;
  }

  /**
   * `[n, h, w, c]` → `[c, h, w, n]` as two transposes that each move contiguous runs
   * (wasm's one-step transpose of this permutation is about twice as slow).
   */
  swapBatchAndChannels(x: TensorInfo): TensorInfo {
    const [batch, height, width, channels] = x.shape;
    if (batch === 1 || channels === 1) return this.transpose(x, [3, 1, 2, 0]);
    const pixelsFirst = this.transpose(this.reshape(x, [batch, height * width * channels]), [1, 0]);
    const channelsFirst = this.transpose(this.reshape(pixelsFirst, [height * width, channels, batch]), [1, 0, 2]);
    return this.reshape(channelsFirst, [channels, height, width, batch]);
  }

  /** A float32 scalar owned by the composition. */
  scalar(value: number): TensorInfo {
    const scalar = {
      dataId: this.backend.write(Float32Array.of(value), [], "float32"),
      shape: [],
      dtype: "float32" as const,
    };
    this.intermediates.push(scalar);
    return scalar;
  }

  /** `Reshape`: shares `x`'s data (the backend counts the reference). */
  reshape(x: TensorInfo, shape: readonly number[]): TensorInfo {
    return this.run(tf.Reshape, { x }, { shape: [...shape] });
  }

  /** `Reverse` along `dims`. */
  reverse(x: TensorInfo, dims: readonly number[]): TensorInfo {
    return this.run(tf.Reverse, { x }, { dims: [...dims] });
  }

  /** `Slice`; returns `x` itself (untracked, unchanged) when the slice is the whole tensor. */
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    const isWhole = size.every((extent, axis) => begin[axis] === 0 && extent === x.shape[axis]);
    return isWhole ? x : this.run(tf.Slice, { x }, { begin: [...begin], size: [...size] });
  }

  /** `Sum` over `axes` without keeping them. */
  sum(x: TensorInfo, axes: readonly number[]): TensorInfo {
    return this.run(tf.Sum, { x }, { axis: [...axes], keepDims: false });
  }

  /** Whether `computed` can run on this backend (wasm and cpu: JavaScript reaches their memory). */
  get canCompute(): boolean {
    return hasDirectMemory(this.backendName);
  }

  /**
   * A float32 tensor of `shape` filled by JavaScript: `fill` gets the new tensor's values
   * (uninitialised) and views of `inputs`' values, and must not keep them after it returns.
   */
  computed(
    shape: readonly number[],
    inputs: readonly TensorInfo[],
    fill: (output: Float32Array, ...inputValues: Float32Array[]) => void,
  ): TensorInfo {
    const output = newFloat32Output(this.backendName, this.backend, shape);
    this.intermediates.push(output);
    // Views after allocating: on wasm the allocation may have moved the heap.
    const view = (tensor: TensorInfo) => float32View(this.backendName, this.backend, tensor);
    fill(view(output), ...inputs.map(view));
    return output;
  }

  /** `PadV2` with zeros. */
  padWithZeros(x: TensorInfo, paddings: ReadonlyArray<readonly [number, number]>): TensorInfo {
    return this.run(
      tf.PadV2,
      { x },
      { paddings: paddings.map(([before, after]) => [before, after]), constantValue: 0 },
    );
  }

  /**
   * Puts `stride − 1` zeros after every element of an NHWC tensor along height and width
   * (`[n, h, w, c]` → `[n, h·sh, w·sw, c]`), the input of a strided convolution's input gradient.
   * The rows become a batch axis so the padding stays rank 5.
   */
  upsampleWithZeros(x: TensorInfo, strides: readonly [number, number]): TensorInfo {
    const [strideHeight, strideWidth] = strides;
    if (strideHeight === 1 && strideWidth === 1) return x;
    const [batch, height, width, channels] = x.shape;
    const rowsApart = this.reshape(x, [batch * height, 1, width, 1, channels]);
    const spread = this.padWithZeros(rowsApart, [
      [0, 0],
      [0, strideHeight - 1],
      [0, 0],
      [0, strideWidth - 1],
      [0, 0],
    ]);
    return this.reshape(spread, [batch, height * strideHeight, width * strideWidth, channels]);
  }

  /** NHWC `Conv2D` with explicit padding. */
  conv2d(x: TensorInfo, filter: TensorInfo, geometry: ConvGeometryAttrs): TensorInfo {
    return this.run(tf.Conv2D, { x, filter }, { ...convAttrs(geometry), dataFormat: "NHWC" });
  }

  /** NHWC `DepthwiseConv2dNative` with explicit padding. */
  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, geometry: ConvGeometryAttrs): TensorInfo {
    return this.run(tf.DepthwiseConv2dNative, { x, filter }, convAttrs(geometry));
  }

  /** `ScatterNd`: sums updates that share an index. */
  scatterNd(indices: TensorInfo, updates: TensorInfo, shape: readonly number[]): TensorInfo {
    return this.run(tf.ScatterNd, { indices, updates }, { shape: [...shape] });
  }

  /**
   * Frees every intermediate except `result`, which the caller hands to the engine.
   * An untracked result (an input passed through) gets its own reference first.
   */
  finish(result: TensorInfo): TensorInfo {
    const owned = this.intermediates.includes(result) ? result : this.reshape(result, result.shape);
    this.disposeAll(owned);
    return owned;
  }

  /** Frees every tracked intermediate except `kept` (each tracked output holds one reference). */
  disposeAll(kept?: TensorInfo): void {
    for (const each of this.intermediates) {
      if (each !== kept) this.backend.disposeData(each.dataId);
    }
    this.intermediates.length = 0;
  }
}

/** Strides, dilations and explicit NHWC padding of a convolution the composition runs. */
export interface ConvGeometryAttrs {
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** Padding before/after along height and width. */
  readonly pads: readonly [readonly [number, number], readonly [number, number]];
}

function convAttrs(geometry: ConvGeometryAttrs): tf.NamedAttrMap {
  const [height, width] = geometry.pads;
  return {
    strides: [...geometry.strides],
    dilations: [...geometry.dilations],
    pad: [
      [0, 0],
      [height[0], height[1]],
      [width[0], width[1]],
      [0, 0],
    ],
  };
}

/** The body of a composed kernel: reads its inputs and attributes, returns its one output. */
export type ComposedBody = (
  composition: Composition,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
) => TensorInfo;

/** Wraps a body as a tfjs `KernelFunc` for `backendName` that never leaks an intermediate. */
export function composeKernel(backendName: string, body: ComposedBody): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const composition = new Composition(backend as tf.KernelBackend, backendName);
    try {
      return composition.finish(body(composition, inputs, attrs ?? {}));
    } catch (error) {
      composition.disposeAll();
      throw error;
    }
  };
}

/** Reads a required input, failing loudly if the engine did not pass it. */
export function requireInput(inputs: tf.NamedTensorInfoMap, name: string): TensorInfo {
  const input = inputs[name];
  if (input === undefined) throw new Error(`composed kernel is missing input '${name}'`);
  return input;
}
