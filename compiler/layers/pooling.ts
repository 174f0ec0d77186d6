/** Pooling layers: windowed max/average (1-D, 2-D) and global max/average over all positions. */
import { checkTupleLength, readPerAxis, readString } from "./arguments.js";
import { knownLastAxis, shapeOk, slideWindow } from "./shape-arithmetic.js";
import { PADDING_PARAM } from "./shared-params.js";
import { perAxisConfig } from "./tfjs-config.js";
import type { InputSpec, LayerDefinition, ParamCount, ResolvedArgs, Shape, ShapeResult } from "./layer-definition.js";

const NO_PARAMS = (): ParamCount => ({ total: 0, trainable: 0 });

const SEQUENCE_INPUT: InputSpec = { rank: 2, description: "[length, channels]" };
const IMAGE_INPUT: InputSpec = { rank: 3, description: "[height, width, channels]" };

/** Shapes of a pooling window: `size` positions, moved by `stride` (default: `size`). */
function poolShape(layerName: string, input: Shape, args: ResolvedArgs): ShapeResult {
  const spatialRank = input.length - 1;
  const size = readPerAxis(args, "size", spatialRank);
  // `stride` defaults to `size`; read it from `size` too if the caller left it out.
  const stride = args["stride"] === undefined ? size : readPerAxis(args, "stride", spatialRank);
  const window = slideWindow(layerName, input.slice(0, spatialRank), {
    sizeParam: "size",
    size,
    stride,
    dilation: [],
    padding: readString(args, "padding") === "same" ? "same" : "valid",
  });
  if (!window.ok) return window;
  return shapeOk([...window.lengths, input[spatialRank] ?? null]);
}

/** poolSize, plus strides and padding where they differ from TF.js's defaults (strides = poolSize). */
function poolConfig(args: ResolvedArgs, spatialRank: number) {
  const size = readPerAxis(args, "size", spatialRank);
  const stride = args["stride"] === undefined ? size : readPerAxis(args, "stride", spatialRank);
  const strideIsSize = stride.every((value, axis) => value === size[axis]);
  return {
    poolSize: perAxisConfig(args["size"]),
    ...(strideIsSize ? {} : { strides: perAxisConfig(args["stride"]) }),
    ...(readString(args, "padding") === "same" ? { padding: "same" } : {}),
  };
}

function windowedPool(kind: "max" | "avg", spatialRank: 1 | 2): LayerDefinition {
  const name = `${kind}_pool${spatialRank}d`;
  const tupleType = spatialRank === 1 ? "int" : "int_or_tuple";
  const what = kind === "max" ? "maximum" : "average";
  const axes = spatialRank === 1 ? "the length" : "height and width";
  return {
    name,
    family: "pooling",
    doc:
      `Takes the ${what} of each window of \`size\` positions along ${axes}, moving by \`stride\` ` +
      `(default: \`size\`). Channels unchanged.`,
    params: [
      {
        name: "size",
        type: tupleType,
        doc: "Window size" + (spatialRank === 2 ? ": an int, or [height, width]." : "."),
        default: 2,
        min: 1,
      },
      {
        name: "stride",
        type: tupleType,
        doc: "Step between windows; defaults to `size`.",
        defaultFrom: "size",
        min: 1,
      },
      PADDING_PARAM,
    ],
    inputSpec: spatialRank === 1 ? SEQUENCE_INPUT : IMAGE_INPUT,
    outputShape: (input, args) => poolShape(name, input, args),
    paramCount: NO_PARAMS,
    validate: (args) => {
      if (spatialRank === 1) return [];
      // A stride copied from `size` would only repeat the size's problem.
      const strideWritten = JSON.stringify(args["stride"]) !== JSON.stringify(args["size"]);
      return [...checkTupleLength(args, "size", 2), ...(strideWritten ? checkTupleLength(args, "stride", 2) : [])];
    },
    tfjs: {
      factory: `${kind === "max" ? "maxPooling" : "averagePooling"}${spatialRank}d`,
      config: (args) => poolConfig(args, spatialRank),
    },
  };
}

function globalPool(kind: "max" | "avg", spatialRank: 1 | 2): LayerDefinition {
  const name = `global_${kind}_pool${spatialRank}d`;
  return {
    name,
    family: "pooling",
    doc:
      `Takes the ${kind === "max" ? "maximum" : "average"} of each channel over every position: ` +
      `${spatialRank === 1 ? "`[length, c]`" : "`[height, width, c]`"} → \`[c]\`. Works for unknown lengths.`,
    params: [],
    inputSpec: spatialRank === 1 ? SEQUENCE_INPUT : IMAGE_INPUT,
    outputShape: (input) => {
      const channels = knownLastAxis(name, input);
      return channels.ok ? shapeOk([channels.length]) : channels;
    },
    paramCount: NO_PARAMS,
    tfjs: {
      factory: `global${kind === "max" ? "Max" : "Average"}Pooling${spatialRank}d`,
      config: () => ({}),
    },
  };
}

/** Every pooling layer. */
export const POOLING_LAYERS: readonly LayerDefinition[] = [
  windowedPool("max", 1),
  windowedPool("avg", 1),
  windowedPool("max", 2),
  windowedPool("avg", 2),
  globalPool("avg", 1),
  globalPool("avg", 2),
  globalPool("max", 1),
  globalPool("max", 2),
];
