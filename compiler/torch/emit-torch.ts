/**
 * The torch generator: a checked experiment becomes one readable Python program — the model
 * as an `nn.Module`, the experiment's optimizer, schedule, loss, epochs and batch size as
 * constants, and a training loop that runs in one process or under DistributedDataParallel
 * (gloo on CPU, NCCL on GPU) from the standard `env://` variables, so the same file runs
 * under `dlm run --engine torch`, `torchrun`, `srun` or a Kubernetes PyTorchJob.
 * It reads the data DLM prepared (`manifest.json` and `.npy` splits) and, on rank 0, writes
 * its history, predictions and weights in TF.js's layout for DLM to finish the run.
 * Pure: returns path and text; only the CLI writes files. Text from the `.dlm` file reaches
 * the program only through `pythonString` and `pythonComment`.
 */
import * as path from "node:path";
import type { ExperimentPlan } from "../experiments/experiment-plan.js";
import { programFileName } from "../emitter.js";
import { lineColumn } from "../../diagnostics/render.js";
import {
  emitTorchModel,
  weightTableCode,
  type EmittedTorchModel,
  type TorchBackbone,
  type TorchEmitContext,
  type TorchModelSource,
} from "./emit-torch-model.js";
import { helperCode } from "./python-helpers.js";
import { pythonComment, pythonLiteral, type PythonValue } from "./python-literals.js";
import { TRAINING_CODE, WEIGHT_CODE } from "./python-training.js";
import { CHECKPOINT_CODE } from "./python-checkpoints.js";
import { AUGMENT_CODE } from "./python-augment.js";
import type { FineTuneSpec, StageSpec } from "../../runtime/experiment.js";
import { firstUnfrozenIndex } from "../../runtime/unfreeze-selection.js";

/** Where the program goes and how it names source files. */
export interface TorchEmitOptions {
  readonly outDir: string;
  readonly sourceText: (file: string) => string | undefined;
}

/** The program's file name: the TypeScript program's, with `.py` (never escapes the folder). */
export function torchProgramFileName(experiment: string): string {
  return programFileName(experiment).replace(/\.ts$/, ".py");
}

const IMPORTS = [
  "import argparse",
  "import datetime",
  "import json",
  "import math",
  "import os",
  "import pickle",
  "import random",
  "import secrets",
  "import shutil",
  "import sys",
  "import time",
  "import warnings",
  "",
  "import numpy as np",
  "import torch",
  "import torch.distributed as dist",
  "import torch.nn as nn",
  "import torch.nn.functional as F",
  "from torch.nn.parallel import DistributedDataParallel",
  "from torch.utils.data import DataLoader, DistributedSampler, TensorDataset",
];

/** Plain data as a Python value (specs hold only JSON values). */
function pythonData(value: unknown): PythonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as PythonValue);
}

/** A stage's settings under the keys the program's stages read (`train_stage()` builds the same from the constants). */
function stageSettings(stage: StageSpec): Record<string, PythonValue> {
  const callback = (kind: string) => pythonData(stage.callbacks.find((candidate) => candidate.kind === kind));
  return {
    optimizer: pythonData(stage.optimizer),
    schedule: pythonData(stage.schedule),
    loss: stage.loss,
    epochs: stage.epochs,
    batchSize: stage.batchSize,
    validationBatchSize: stage.validationBatchSize ?? stage.batchSize,
    shuffle: stage.shuffle ?? true,
    earlyStopping: callback("early_stopping"),
    reduceLr: callback("reduce_lr_on_plateau"),
    modelCheckpoint: callback("model_checkpoint"),
    trackMetrics: stage.metrics.length > 0,
    terminateOnNan: stage.callbacks.some((candidate) => candidate.kind === "terminate_on_nan"),
  };
}

/** What the program needs of a backbone: its module, whether it trains in train, whether DLM hands over its weights. */
function backboneSettings(backbone: TorchBackbone): PythonValue {
  return { attr: backbone.attr, layer: backbone.layer, trainable: backbone.trainable, pretrainedWeights: backbone.pretrainedWeights };
}

/**
 * The fine_tune stage: train's keys, and per backbone the attributes of the layers its
 * `unfreeze` trains, counted as DLM's runtime counts them (TF.js's layer order, the input left out).
 */
function fineTuneSettings(stage: FineTuneSpec, backbones: readonly TorchBackbone[]): PythonValue {
  const unfreeze: Record<string, PythonValue> = {};
  for (const backbone of backbones) {
    const first = firstUnfrozenIndex(backbone.layers.map((layer) => layer.name), stage.unfreeze);
    unfreeze[backbone.attr] = first < 0 ? [] : backbone.layers.slice(first).flatMap((layer) => (layer.attr === undefined ? [] : [layer.attr]));
  }
  return { name: "fine_tune", ...stageSettings(stage), unfreeze };
}

/** The helpers, the model class, the weight table and the weight functions of an emitted model. */
function modelCode(model: EmittedTorchModel): string {
  return [...helperCode(model.helpers).flatMap((code) => [code, "", ""]), model.code, "", "", weightTableCode(model.weights), "", "", WEIGHT_CODE].join("\n");
}

/**
 * A Python module with the model alone (`Model`, `TFJS_WEIGHTS`, `load_tfjs_weights`,
 * `tfjs_weights`): what the parity tests import. Undefined when a layer has no mapping.
 */
export function emitTorchModelModule(model: TorchModelSource, context: TorchEmitContext): string | undefined {
  const emitted = emitTorchModel(model, context);
  if (emitted.unmapped.length > 0) return undefined;
  return [...IMPORTS, "", "", modelCode(emitted), ""].join("\n");
}

/** Generates the torch program of one experiment. Throws on a layer with no mapping: `dlm check --target torch` reports those first. */
export function emitTorchProgram(plan: ExperimentPlan, options: TorchEmitOptions): { path: string; text: string } {
  const displayFile = (file: string) => path.relative(process.cwd(), path.resolve(file)).split(path.sep).join("/") || file;
  const model = emitTorchModel(plan.model, { sourceText: options.sourceText, displayFile });
  if (model.unmapped.length > 0) {
    throw new Error(`layer ${model.unmapped[0]!.layer.name} has no torch mapping: ${model.unmapped[0]!.reason}`);
  }
  const text = options.sourceText(plan.file);
  const line = text === undefined ? "" : `:${lineColumn(text, plan.nameRange.start).line}`;
  const augment = plan.data.augment ?? [];
  const train = stageSettings(plan.train);
  const settings: [string, PythonValue, string][] = [
    ["EXPERIMENT", plan.name, "the experiment's name"],
    ["SEED", plan.seed, "initial weights and the shuffling of each epoch"],
    ["TASK", plan.dataInfo.task, "classification or regression"],
    ["OPTIMIZER", train["optimizer"]!, "DLM's optimizer spec (Keras defaults where absent)"],
    ["SCHEDULE", train["schedule"]!, "learning rate per epoch"],
    ["LOSS", train["loss"]!, "computed on the model's outputs (probabilities), as DLM computes it"],
    ["EPOCHS", train["epochs"]!, ""],
    ["BATCH_SIZE", train["batchSize"]!, "global: each of N processes takes BATCH_SIZE // N examples per step"],
    ["VALIDATION_BATCH_SIZE", train["validationBatchSize"]!, ""],
    ["SHUFFLE", train["shuffle"]!, ""],
    ["EARLY_STOPPING", train["earlyStopping"]!, ""],
    ["REDUCE_LR", train["reduceLr"]!, "reduce_lr_on_plateau"],
    ["MODEL_CHECKPOINT", train["modelCheckpoint"]!, "model_checkpoint (its path: from the working directory, or --model-checkpoint)"],
    ["AUGMENT", JSON.parse(JSON.stringify(augment)) as PythonValue, "augment { ... } of the training split, in order"],
    ["TRACK_METRICS", train["trackMetrics"]!, "save each epoch's outputs: DLM computes the metrics"],
    ["TERMINATE_ON_NAN", train["terminateOnNan"]!, ""],
    ["BACKBONES", model.backbones.map(backboneSettings), "the pretrained backbones: whether they train in train, and whether DLM hands over their weights"],
    ["FINE_TUNE", plan.fineTune === undefined ? null : fineTuneSettings(plan.fineTune, model.backbones), "the fine_tune stage (train's keys, and the layers it unfreezes)"],
  ];
  const program = [
    `# Generated by \`dlm compile --target torch\` from ${pythonComment(displayFile(plan.file))}${line} (experiment ${pythonComment(plan.name)}).`,
    "# Do not edit: change the .dlm file and compile again.",
    "#",
    "# One process:   python3 THIS_FILE --data PREPARED_DIR --out OUT_DIR",
    "# Distributed:   torchrun --nproc_per_node=N THIS_FILE --data PREPARED_DIR --out OUT_DIR",
    "#                (or any launcher that sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT)",
    "# `dlm run FILE --engine torch` prepares the data, runs this program and finishes the run folder.",
    "",
    ...IMPORTS,
    "",
    ...settings.map(([name, value, comment]) => `${name} = ${pythonLiteral(value)}${comment === "" ? "" : `  # ${comment}`}`),
    "",
    "",
    modelCode(model),
    "",
    "",
    ...(augment.length > 0 ? [AUGMENT_CODE, "", ""] : []),
    CHECKPOINT_CODE,
    "",
    "",
    TRAINING_CODE,
    "",
    "",
    'if __name__ == "__main__":',
    "    sys.exit(main())",
    "",
  ].join("\n");
  return { path: path.join(options.outDir, torchProgramFileName(plan.name)), text: program };
}
