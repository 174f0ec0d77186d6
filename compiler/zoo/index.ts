/**
 * The model zoo: the named architectures `pretrained(NAME, …)` accepts, what `dlm models`
 * lists about each, and each one's layers at a given input, checked by DLM's own compiler
 * from the source `architectures.ts` renders.
 */
import type { WeightFileSource } from "../../runtime/zoo-download.js";
import type { ImagePreprocessingMode } from "../../runtime/image-preprocessing-modes.js";
import { inMemoryCompilerHost } from "../host.js";
import { checkModelDeclarations, type ModelInfo } from "../models.js";
import type { PretrainedInfo, ZooProblem, ZooRequest } from "../layers/layer-definition.js";
import { formatShape } from "../layers/shape-arithmetic.js";
import { connectedLayers, tfjsLayerOrder } from "../layer-order.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import {
  cutZooItems,
  mobilenetV2,
  renderZooModel,
  resnet50,
  vgg16,
  zooLayerNames,
  type ArchitectureOptions,
  type ZooItem,
} from "./architectures.js";
import { ARCHITECTURES } from "../../diagnostics/catalog/zoo.js";

/** One architecture of the zoo and what `dlm models` says about it. */
export interface ZooArchitecture {
  /** The DLM name: `pretrained(resnet50)`. */
  readonly name: string;
  /** Keras's function and model name. */
  readonly keras: string;
  readonly build: (options: ArchitectureOptions) => ZooItem[];
  /** The image size the ImageNet weights were trained at. */
  readonly inputSize: readonly [number, number, number];
  /** Keras's weight files (in keras-applications' storage), with and without the top, at `inputSize`. */
  readonly weightFiles: { readonly top: string; readonly noTop: string };
  /** The folder of keras-applications' storage that holds them (`resnet/`). */
  readonly weightsFolder: string;
  /** The md5 Keras's source publishes for each file, where it publishes one (its `file_hash`). */
  readonly md5: Readonly<Record<string, string>>;
  /** The input preprocessing its ImageNet weights were trained with (Keras's `preprocess_input` mode). */
  readonly preprocessing: ImagePreprocessingMode;
  /** Where the weights come from and under which licence. */
  readonly licence: string;
}

/** The architectures, in `dlm models` order. */
export const ZOO: readonly ZooArchitecture[] = [
  {
    name: "vgg16",
    keras: "VGG16",
    build: vgg16,
    inputSize: [224, 224, 3],
    weightFiles: {
      top: "vgg16_weights_tf_dim_ordering_tf_kernels.h5",
      noTop: "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    },
    weightsFolder: "vgg16/",
    md5: {
      vgg16_weights_tf_dim_ordering_tf_kernels: "64373286793e3c8b2b4e3219cbf3544b",
      vgg16_weights_tf_dim_ordering_tf_kernels_notop: "6d6bbae143d832006294945121d1f1fc",
    },
    preprocessing: "caffe",
    licence: "CC BY 4.0 (weights: Oxford VGG); Keras code Apache-2.0",
  },
  {
    name: "resnet50",
    keras: "ResNet50",
    build: resnet50,
    inputSize: [224, 224, 3],
    weightFiles: {
      top: "resnet50_weights_tf_dim_ordering_tf_kernels.h5",
      noTop: "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
    },
    weightsFolder: "resnet/",
    md5: {
      resnet50_weights_tf_dim_ordering_tf_kernels: "2cb95161c43110f7111970584f804107",
      resnet50_weights_tf_dim_ordering_tf_kernels_notop: "4d473c1dd8becc155b73f8504c6f6626",
    },
    preprocessing: "caffe",
    licence: "MIT (weights: Kaiming He); Keras code Apache-2.0",
  },
  {
    name: "mobilenet_v2",
    keras: "MobileNetV2",
    build: mobilenetV2,
    inputSize: [224, 224, 3],
    weightFiles: {
      top: "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5",
      noTop: "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
    },
    weightsFolder: "mobilenet_v2/",
    // keras/src/applications/mobilenet_v2.py calls get_file without a file_hash: DLM records the SHA-256 of the first download.
    md5: {},
    preprocessing: "tf",
    licence: "Apache-2.0 (weights: TensorFlow models); Keras code Apache-2.0",
  },
];

/** The architecture named `name`, if the zoo has it. */
export function findArchitecture(name: string): ZooArchitecture | undefined {
  return ZOO.find((architecture) => architecture.name === name);
}

/** The md5 Keras publishes for a weight file, if any. */
export function weightFileMd5(architecture: ZooArchitecture, file: string): string | undefined {
  return architecture.md5[file.replace(/\.h5$/, "")];
}

/**
 * The weight file Keras loads for this top and input: MobileNetV2 has one per trained size
 * (96, 128, 160, 192, 224; another size takes 224's, as in Keras), the others one each.
 */
export function weightFileFor(architecture: ZooArchitecture, includeTop: boolean, rows: number | null): string {
  const file = includeTop ? architecture.weightFiles.top : architecture.weightFiles.noTop;
  if (architecture.name !== "mobilenet_v2" || rows === null || ![96, 128, 160, 192].includes(rows)) return file;
  return file.replace("_1.0_224", `_1.0_${rows}`);
}

/** Room for HDF5's layout around the float32 weights, in a download's size cap. */
const H5_LAYOUT_BYTES = 16 * 1024 * 1024;

/**
 * Where the weight file for this top and input comes from: its name, its path in Keras's
 * storage, Keras's md5 where there is one, and a size cap a little above its float32 weights.
 */
export function weightSourceFor(architecture: ZooArchitecture, includeTop: boolean, rows: number | null): WeightFileSource {
  const file = weightFileFor(architecture, includeTop, rows);
  const md5 = weightFileMd5(architecture, file);
  const built = buildZooModel({ architecture: architecture.name, weights: "none", includeTop, pooling: "none", until: "", input: architecture.inputSize });
  if (!("model" in built)) throw new Error(`the zoo's ${architecture.name} does not build: ${built.message}`);
  return {
    model: architecture.name,
    file,
    urlPath: `${architecture.weightsFolder}${file}`,
    ...(md5 === undefined ? {} : { md5 }),
    maxBytes: Math.ceil(built.model.params * 4 * 1.05) + H5_LAYOUT_BYTES,
  };
}

/** Keras's smallest image side for these networks (`obtain_input_shape`'s `min_size`). */
const MIN_SIDE = 32;

/** The model a request builds: its DLM source and the checked model, or why it cannot be built. */
export type ZooModel = { readonly source: string; readonly model: ModelInfo } | ZooProblem;

const built = new Map<string, ZooModel>();

function problem(code: string, message: string, help?: string, param?: string): ZooProblem {
  return { code, message, ...(help ? { help } : {}), ...(param ? { param } : {}) };
}

/** Checks what a request asks of the architecture before building it (DLM422, DLM424, DLM425). */
function requestProblem(request: ZooRequest): ZooProblem | undefined {
  const architecture = findArchitecture(request.architecture);
  if (architecture === undefined) {
    const names = ZOO.map((entry) => entry.name);
    return problem(
      ARCHITECTURES.unknownArchitecture,
      `unknown architecture \`${request.architecture}\`; the zoo has ${names.map((name) => `\`${name}\``).join(", ")}`,
      didYouMean(request.architecture, names) ?? "write a path (with `/` or a file name) for a saved TF.js model: `pretrained(\"./base/model.json\")`",
      "path",
    );
  }
  const [height, width, channels] = request.input;
  const expected = formatShape(architecture.inputSize);
  if (request.input.length !== 3) {
    return problem(ARCHITECTURES.inputDoesNotFitArchitecture, `${architecture.name} takes images [height, width, 3], got ${formatShape(request.input)}`);
  }
  if (request.includeTop && (height !== 224 || width !== 224 || channels !== 3)) {
    return problem(
      ARCHITECTURES.inputDoesNotFitArchitecture,
      `${architecture.name} with \`include_top: true\` takes input ${expected} (its classifier was trained at that size), got ${formatShape(request.input)}`,
      "write `include_top: false` to use the network as a feature extractor at another size",
      "include_top",
    );
  }
  if (request.weights === "imagenet" && channels !== 3) {
    return problem(
      ARCHITECTURES.inputDoesNotFitArchitecture,
      `${architecture.name}'s ImageNet weights take 3 colour channels, got ${formatShape(request.input)}`,
      "load colour images (`channels: 3`), or train from scratch with `weights: none`",
    );
  }
  if (height === null || width === null || height < MIN_SIDE || width < MIN_SIDE) {
    return problem(
      ARCHITECTURES.inputDoesNotFitArchitecture,
      `${architecture.name} takes images of at least ${MIN_SIDE}×${MIN_SIDE}, got ${formatShape(request.input)}`,
      "resize the images (`size: [h, w]` of the data source)",
    );
  }
  if (request.includeTop && request.pooling !== "none") {
    return problem(
      ARCHITECTURES.poolingWithTop,
      `\`pooling: ${request.pooling}\` applies without the top; ${architecture.name}'s top already pools`,
      "remove `pooling`, or write `include_top: false`",
      "pooling",
    );
  }
  return undefined;
}

/**
 * The architecture a request names, rendered as DLM source at the request's input (cut after
 * `until` when it names one of its layers) and checked by DLM's compiler. Cached per request.
 */
export function buildZooModel(request: ZooRequest): ZooModel {
  const key = JSON.stringify(request);
  const known = built.get(key);
  if (known) return known;
  const result = buildUncached(request);
  built.set(key, result);
  return result;
}

function buildUncached(request: ZooRequest): ZooModel {
  const wrong = requestProblem(request);
  if (wrong) return wrong;
  const architecture = findArchitecture(request.architecture) as ZooArchitecture;
  const input = request.input as readonly number[];
  const pooling = request.pooling === "avg" || request.pooling === "max" ? request.pooling : "none";
  const items = architecture.build({ includeTop: request.includeTop, pooling, size: [input[0] as number, input[1] as number] });
  const kept = request.until === "" ? items : (cutZooItems(items, request.until) ?? items);
  const source = renderZooModel(architecture.name, input, kept);
  const file = `zoo/${architecture.name}.dlm`;
  const checked = checkModelDeclarations([file], inMemoryCompilerHost({ [file]: source }));
  const model = checked.models[0];
  const error = checked.diagnostics.find((diagnostic) => diagnostic.severity === "error");
  if (error || model === undefined || model.output === null) {
    // The zoo's own sources check clean at every valid input; anything else is a compiler bug.
    throw new Error(`the zoo's ${architecture.name} does not check at ${formatShape(request.input)}: ${error?.code} ${error?.message}`);
  }
  return { source, model };
}

/** Every layer name of an architecture (top included), for messages and completion. */
export function architectureLayerNames(name: string): string[] {
  const architecture = findArchitecture(name);
  if (architecture === undefined) return [];
  return zooLayerNames(architecture.build({ includeTop: true, pooling: "none", size: [224, 224] }));
}

/**
 * A zoo request read as the facts `pretrained` uses for a saved model: layers, shapes, weights,
 * the layers in the order TF.js lists them in the built model (so `unfreeze: last(N)` counts
 * the layers the runtime unfreezes).
 */
export function readZoo(request: ZooRequest): PretrainedInfo | ZooProblem {
  const result = buildZooModel(request);
  if (!("model" in result)) return result;
  const position = new Map(tfjsLayerOrder(connectedLayers(result.model.graph)).map((name, index) => [name, index]));
  const ordered = [...result.model.layers].sort((a, b) => (position.get(a.name) ?? 0) - (position.get(b.name) ?? 0));
  return {
    inputShape: request.input,
    layers: ordered.map((layer) => ({
      name: layer.name,
      className: layer.kind,
      outputShape: layer.output,
      params: layer.params,
      ...(layer.trainableParams === layer.params ? {} : { trainableParams: layer.trainableParams }),
    })),
  };
}
