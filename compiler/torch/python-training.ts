/**
 * The fixed parts of every generated torch program (no text from a `.dlm` file): weight
 * layout conversion to and from TF.js, and the loss, optimizer and schedule of DLM's specs,
 * the data DLM prepared and the training loop, plain or DistributedDataParallel.
 */

/** Moving weights between torch and TF.js layouts (reads `TFJS_WEIGHTS`). */
export const WEIGHT_CODE = String.raw`def to_tfjs(array, conversion):
    """A torch weight (numpy) in TF.js's layout."""
    if conversion == "dense":
        return array.T
    if conversion == "conv":  # [out, in, *kernel] -> [*kernel, in, out]
        return array.transpose(tuple(range(2, array.ndim)) + (1, 0))
    if conversion == "conv_transpose":  # [in, out, h, w] -> [h, w, out, in]
        return array.transpose(2, 3, 1, 0)
    if conversion.startswith("depthwise:"):  # [in * m, 1, h, w] -> [h, w, in, m]
        multiplier = int(conversion.split(":")[1])
        return array.reshape(-1, multiplier, *array.shape[2:]).transpose(2, 3, 0, 1)
    return array


def from_tfjs(array, conversion):
    """A TF.js weight (numpy) in torch's layout: the inverse of to_tfjs."""
    if conversion == "dense":
        return array.T
    if conversion == "conv":
        return array.transpose((array.ndim - 1, array.ndim - 2) + tuple(range(array.ndim - 2)))
    if conversion == "conv_transpose":
        return array.transpose(3, 2, 0, 1)
    if conversion.startswith("depthwise:"):
        height, width, channels, multiplier = array.shape
        return array.transpose(2, 3, 0, 1).reshape(channels * multiplier, 1, height, width)
    return array


def tfjs_weights(model):
    """Every weight as TF.js stores it: [(layer, weight, float32 array)] in TF.js's order."""
    state = model.state_dict()
    return [(layer, weight, np.ascontiguousarray(to_tfjs(state[key].detach().cpu().numpy(), conversion), dtype=np.float32))
            for layer, weight, key, conversion in TFJS_WEIGHTS]


def set_tfjs_weight(state, row, array):
    """Puts one TF.js array into the state dict at its row of TFJS_WEIGHTS, in torch's layout."""
    layer, weight, key, conversion = row
    value = torch.from_numpy(np.ascontiguousarray(from_tfjs(np.asarray(array, dtype=np.float32), conversion)))
    if tuple(value.shape) != tuple(state[key].shape):
        raise ValueError(f"weight {layer}/{weight}: shape {tuple(value.shape)} does not fit {tuple(state[key].shape)}")
    state[key] = value


def load_tfjs_weights(model, arrays):
    """Sets the model's weights from TF.js arrays, given in TFJS_WEIGHTS's order."""
    state = model.state_dict()
    for row, array in zip(TFJS_WEIGHTS, arrays):
        set_tfjs_weight(state, row, array)
    model.load_state_dict(state)


def read_tfjs_weight_file(folder, name):
    """NAME.json (a list of {layer, weight, shape} in TF.js's order) and NAME.bin (their little-endian float32 values, back
    to back) as {layer: [array, ...]}: the weight files DLM and this program exchange (plain data, nothing is run)."""
    with open(os.path.join(folder, name + ".json")) as handle:
        listed = json.load(handle)
    values = np.fromfile(os.path.join(folder, name + ".bin"), dtype="<f4")
    by_layer, offset = {}, 0
    for entry in listed:
        count = int(np.prod(entry["shape"], dtype=np.int64))
        if offset + count > values.size:
            raise ValueError(f"{name}.bin holds {values.size} values; {name}.json lists more")
        by_layer.setdefault(entry["layer"], []).append(values[offset:offset + count].reshape(entry["shape"]))
        offset += count
    if offset != values.size:
        raise ValueError(f"{name}.bin holds {values.size} values; {name}.json lists {offset}")
    return by_layer


def load_tfjs_weight_file(model, folder, name, prefixes=("",)):
    """Sets the weights of the layers of TFJS_WEIGHTS whose names start with one of prefixes from the weight file NAME
    (see read_tfjs_weight_file): each of those layers must be there with all its weights, and no other layer."""
    by_layer = read_tfjs_weight_file(folder, name)
    rows = [row for row in TFJS_WEIGHTS if row[0].startswith(prefixes)]
    state = model.state_dict()
    for layer in dict.fromkeys(row[0] for row in rows):
        own = [row for row in rows if row[0] == layer]
        arrays = by_layer.pop(layer, [])
        if len(arrays) != len(own):
            raise ValueError(f"{name}.json has {len(arrays)} weights of layer {layer}; the model has {len(own)}")
        for row, array in zip(own, arrays):
            set_tfjs_weight(state, row, array)
    if by_layer:
        raise ValueError(f"{name}.json has weights of layers the model does not have: {', '.join(sorted(by_layer)[:5])}")
    model.load_state_dict(state)


def load_backbone_weights(model, folder):
    """The pretrained weights of every backbone that has them (ImageNet's, or a saved model's), which DLM wrote into the
    data folder as backbone-weights.json + .bin."""
    prefixes = tuple(backbone["layer"] + "/" for backbone in BACKBONES if backbone["pretrainedWeights"])
    load_tfjs_weight_file(model, folder, "backbone-weights", prefixes)`;

/** Training: reads the settings constants, `Model`, the weight and checkpoint functions. */
export const TRAINING_CODE = String.raw`def init_like_keras(model):
    """Keras's initializers where torch's differ: Glorot-uniform kernels, zero biases, embeddings uniform in +-0.05."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.uniform_(module.weight, -0.05, 0.05)


PROBABILITY_EPSILON = 1e-7


def per_example_loss(output, target, loss):
    """The loss of each example, as DLM computes it (probabilities clipped to [1e-7, 1 - 1e-7])."""
    if loss in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        probabilities = (output / output.sum(dim=-1, keepdim=True)).clamp(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON)
        return -torch.log(probabilities.gather(1, target.long().view(-1, 1))).squeeze(1)
    if loss == "binary_crossentropy":
        if output.shape[-1] == 1:
            truth = target.float().view_as(output)
        else:
            truth = F.one_hot(target.long(), output.shape[-1]).float()
        p = output.clamp(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON)
        return -(truth * torch.log(p) + (1 - truth) * torch.log(1 - p)).mean(dim=-1)
    truth = target.float().reshape(output.shape)
    error = output - truth
    if loss == "mse":
        values = error ** 2
    elif loss == "mae":
        values = error.abs()
    else:  # huber, delta 1
        quadratic = error.abs().clamp(max=1.0)
        values = 0.5 * quadratic ** 2 + (error.abs() - quadratic)
    return values.reshape(values.shape[0], -1).mean(dim=1)


def make_optimizer(parameters, spec):
    """A stage's optimizer with Keras's defaults; the learning rate is always in the spec (DLM fills in its default)."""
    rate = spec["learningRate"]
    epsilon = spec.get("epsilon", 1e-7)
    betas = (spec.get("beta1", 0.9), spec.get("beta2", 0.999))
    if spec["name"] == "sgd":
        return torch.optim.SGD(parameters, lr=rate, momentum=spec.get("momentum", 0.0), nesterov=spec.get("nesterov", False))
    if spec["name"] == "adam":
        return torch.optim.Adam(parameters, lr=rate, betas=betas, eps=epsilon)
    if spec["name"] == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=rate, alpha=spec.get("rho", 0.9), momentum=spec.get("momentum", 0.0), eps=epsilon)
    if spec["name"] == "adagrad":
        return torch.optim.Adagrad(parameters, lr=rate, initial_accumulator_value=spec.get("initialAccumulator", 0.1))
    if spec["name"] == "adamax":
        return torch.optim.Adamax(parameters, lr=rate, betas=betas, eps=epsilon)
    raise ValueError(f"this program has no optimizer named {spec['name']!r}")


def learning_rate(base, epoch, schedule):
    """A schedule's rate for an epoch (0-based, counted from the run's first epoch), as DLM's schedules compute it."""
    if schedule is None:
        return base
    kind = schedule["kind"]
    if kind == "step_decay":
        return base * schedule.get("factor", 0.5) ** (epoch // schedule["every"])
    if kind == "exponential_decay":
        return base * schedule["rate"] ** epoch
    if kind == "cosine_decay":
        return base * (1 + math.cos(math.pi * min(epoch, schedule["epochs"]) / schedule["epochs"])) / 2
    if kind == "warmup":
        return base * min(1.0, (epoch + 1) / schedule["epochs"])
    raise ValueError(f"this program has no schedule named {kind!r}")


def train_stage():
    """The train stage's settings, from the constants above (FINE_TUNE has the same keys)."""
    return {"name": "train", "optimizer": OPTIMIZER, "schedule": SCHEDULE, "loss": LOSS, "epochs": EPOCHS, "batchSize": BATCH_SIZE,
            "validationBatchSize": VALIDATION_BATCH_SIZE, "shuffle": SHUFFLE, "earlyStopping": EARLY_STOPPING, "reduceLr": REDUCE_LR,
            "modelCheckpoint": MODEL_CHECKPOINT, "trackMetrics": TRACK_METRICS, "terminateOnNan": TERMINATE_ON_NAN}


def set_stage_trainable(model, stage):
    """What trains in a stage, as DLM's TF.js runtime decides it: the head always; a backbone whole in train when it is
    trainable (or has no pretrained weights), and in fine_tune the layers its unfreeze names. Batch normalisation inside
    a backbone with pretrained weights runs in inference mode in every stage, as the runtime runs it (its moving statistics
    stay as they are); inside a weights: none backbone it trains with batch statistics, as any batch normalisation."""
    fine_tune = stage["name"] == "fine_tune"
    for parameter in model.parameters():
        parameter.requires_grad_(True)
    for backbone in BACKBONES:
        module = getattr(model, backbone["attr"])
        for parameter in module.parameters():
            parameter.requires_grad_(backbone["trainable"] and not fine_tune)
        for attr in stage.get("unfreeze", {}).get(backbone["attr"], []):
            for parameter in getattr(module, attr).parameters():
                parameter.requires_grad_(True)
        for layer in module.modules():
            if hasattr(layer, "inference_mode"):
                layer.inference_mode = backbone["pretrainedWeights"]


def describe_trainable(model):
    """What a stage trains, as DLM says it: "8 trainable weight tensors, 600,165 of 600,165 parameters"."""
    trainable = [parameter for parameter in model.parameters() if parameter.requires_grad]
    total = sum(tensor.numel() for tensor in model.parameters()) + sum(tensor.numel() for tensor in model.buffers())
    return (f"{len(trainable)} trainable weight tensor{'' if len(trainable) == 1 else 's'}, "
            f"{sum(parameter.numel() for parameter in trainable):,} of {total:,} parameters")


def load_split(folder, manifest, name):
    """One prepared split as (features, labels) tensors, or None when the data has no such split."""
    split = manifest["splits"].get(name)
    if split is None or split["size"] == 0:
        return None
    x = torch.from_numpy(np.load(os.path.join(folder, split["x"])))
    y = torch.from_numpy(np.load(os.path.join(folder, split["y"])))
    return x, y


def predict(model, split, batch_size, device):
    """The model's outputs for a whole split, in inference mode."""
    model.eval()
    outputs = []
    with torch.no_grad():
        for start in range(0, split[0].shape[0], batch_size):
            outputs.append(model(split[0][start:start + batch_size].to(device)).cpu())
    return torch.cat(outputs)


def mean_loss(outputs, labels, loss):
    return float(per_example_loss(outputs, labels, loss).mean())


def accuracy(outputs, labels):
    """The share of examples whose predicted class is the true one (one sigmoid output: above 0.5 is class 1)."""
    predicted = (outputs.view(-1) > 0.5).long() if outputs.shape[-1] == 1 else outputs.argmax(dim=-1)
    return float((predicted.cpu() == labels.view(-1).long().cpu()).float().mean())


def improves(spec, value, best):
    """Whether a monitored value beats the best so far by more than min_delta (auto: accuracy rises, losses fall)."""
    if best is None:
        return math.isfinite(value)
    maximize = spec["mode"] == "max" or (spec["mode"] == "auto" and spec["monitor"].endswith("accuracy"))
    delta = spec.get("minDelta", 0)
    return value - best > delta if maximize else best - value > delta


def write_outputs(folder, model, history, predictions):
    """Rank 0's files: history.json, predictions-<split>.npy, and weights.bin + weights.json in TF.js's layout."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "history.json"), "w") as handle:
        json.dump(history, handle)
    save_epoch_outputs(folder, predictions)
    manifest = []
    with open(os.path.join(folder, "weights.bin"), "wb") as handle:
        for layer, weight, array in tfjs_weights(model):
            handle.write(array.astype("<f4").tobytes())
            manifest.append({"layer": layer, "weight": weight, "shape": list(array.shape)})
    with open(os.path.join(folder, "weights.json"), "w") as handle:
        json.dump(manifest, handle)
    torch.save(model.state_dict(), os.path.join(folder, "model.pt"))


def gather_examples(outputs, labels, distributed, world_size):
    """Every process's training outputs and labels of an epoch (equal counts: DistributedSampler pads), on the CPU."""
    if not distributed:
        return outputs.cpu(), labels.cpu()
    gathered_outputs = [torch.empty_like(outputs) for _ in range(world_size)]
    gathered_labels = [torch.empty_like(labels) for _ in range(world_size)]
    dist.all_gather(gathered_outputs, outputs.contiguous())
    dist.all_gather(gathered_labels, labels.contiguous())
    return torch.cat(gathered_outputs).cpu(), torch.cat(gathered_labels).cpu()


def progress(record):
    """One progress line for DLM (and for a person reading the log)."""
    print("dlm-progress " + json.dumps(record), flush=True)


def save_epoch_outputs(folder, outputs):
    """Outputs by name as predictions-<name>.npy (labels as int32): each epoch's for DLM's per-epoch metrics, written as
    the epoch ends so a resumed run keeps them, and the final predictions of every split."""
    os.makedirs(folder, exist_ok=True)
    for name, values in outputs.items():
        np.save(os.path.join(folder, f"predictions-{name}.npy"), values.numpy().astype(np.int32 if name.endswith("labels") and not values.is_floating_point() else np.float32))


class Callbacks:
    """The counters of a stage's early_stopping, reduce_lr_on_plateau and model_checkpoint (a new stage starts them afresh,
    as DLM makes a stage's callbacks anew)."""

    def __init__(self, saved=None):
        self.best, self.waited, self.best_state = (None, 0, None) if saved is None else saved["early_stopping"]
        self.plateau_best, self.plateau_waited = (None, 0) if saved is None else saved["reduce_lr"]
        self.checkpoint_best = None if saved is None else saved.get("model_checkpoint")
        self.warned_monitor = False

    def state(self):
        return {"early_stopping": (self.best, self.waited, self.best_state), "reduce_lr": (self.plateau_best, self.plateau_waited),
                "model_checkpoint": self.checkpoint_best}

    def early_stopping(self, spec, record, model):
        """Whether training stops after this epoch."""
        if spec is None or spec["monitor"] not in record:
            return False
        value = record[spec["monitor"]]
        if self.best is None or improves(spec, value, self.best):
            self.best, self.waited = value, 0
            if spec["restoreBestWeights"]:
                self.best_state = {key: tensor.detach().clone() for key, tensor in model.state_dict().items()}
            return False
        self.waited += 1
        return self.waited >= spec["patience"]

    def reduce_lr(self, spec, record, optimizer, rank):
        if spec is None or spec["monitor"] not in record:
            return
        value = record[spec["monitor"]]
        if self.plateau_best is None or improves(spec, value, self.plateau_best):
            self.plateau_best, self.plateau_waited = value, 0
            return
        self.plateau_waited += 1
        old_rate = optimizer.param_groups[0]["lr"]
        # compared in float32 as Keras does, so a rate at min_lr is not "reduced" again
        if self.plateau_waited >= spec["patience"] and np.float32(old_rate) > np.float32(spec["minLr"]):
            new_rate = max(old_rate * spec["factor"], spec["minLr"])
            for group in optimizer.param_groups:
                group["lr"] = new_rate
            self.plateau_waited = 0
            if rank == 0:
                print(f"dlm: epoch {record['epoch']}: reduce_lr_on_plateau reducing learning rate to {new_rate}", file=sys.stderr)

    def model_checkpoint(self, spec, record):
        """Whether model_checkpoint saves this epoch (rank 0, finite losses only)."""
        value = record.get(spec["monitor"])
        if value is None and not self.warned_monitor:
            print(f"warning: model_checkpoint monitors {spec['monitor']!r}, which epoch {record['epoch']} did not log; "
                  f"logged: {', '.join(sorted(k for k in record if k not in ('epoch', 'epochs', 'seconds', 'samples')))}", file=sys.stderr)
            self.warned_monitor = True
        better = value is not None and math.isfinite(value) and improves(spec, value, self.checkpoint_best)
        if better:
            self.checkpoint_best = value
        return better or (not spec["saveBestOnly"] and value is not None)


class Run:
    """One process's training: the model, the data and where things go; the history and step count run on across stages."""

    def __init__(self, args, model, device, data, class_weights):
        self.args, self.model, self.device, self.class_weights = args, model, device, class_weights
        self.world_size = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.distributed = self.world_size > 1
        self.dataset = TensorDataset(*data["train"])
        self.validation = data["validation"]
        self.history, self.steps = [], 0

    def stage(self, stage, first_epoch, end_epoch, model_checkpoint, resumed=None):
        """Trains one stage over epochs [first_epoch, end_epoch) (from the checkpoint's epoch when resumed); False when the
        run stops here (a non-finite loss with terminate_on_nan, or --max-steps)."""
        model, rank, world_size = self.model, self.rank, self.world_size
        set_stage_trainable(model, stage)
        if rank == 0:
            print(f"dlm: {'fine-tuning' if stage['name'] == 'fine_tune' else 'training'}: {describe_trainable(model)}", flush=True)
        batch_size = stage["batchSize"]
        if batch_size % world_size != 0 and rank == 0:
            print(f"warning: batch size {batch_size} is not a multiple of {world_size} processes; "
                  f"each takes {max(1, batch_size // world_size)}", file=sys.stderr)
        trained = DistributedDataParallel(model, device_ids=[self.local_rank] if self.device.type == "cuda" else None) if self.distributed else model
        optimizer = make_optimizer([parameter for parameter in model.parameters() if parameter.requires_grad], stage["optimizer"])
        base_rate = optimizer.param_groups[0]["lr"]
        sampler = DistributedSampler(self.dataset, num_replicas=world_size, rank=rank, shuffle=stage["shuffle"], seed=SEED)
        loader = DataLoader(self.dataset, batch_size=max(1, batch_size // world_size), sampler=sampler)
        callbacks = Callbacks(resumed)
        if resumed is not None:
            optimizer.load_state_dict(resumed["optimizer"])
            restore_random_states(resumed["random"])
            first_epoch = resumed["epoch"]

        def training_state(epoch):
            """Everything a resumed run needs after this epoch."""
            return {"stage": stage["name"], "model": model.state_dict(), "optimizer": optimizer.state_dict(), "random": random_states(),
                    "epoch": epoch + 1, "history": self.history, "steps": self.steps, **callbacks.state()}

        going_on = True
        for epoch in range(first_epoch, end_epoch):
            record, stop = self.epoch(stage, epoch, end_epoch, trained, optimizer, sampler, loader, base_rate)
            if stop is not None:
                going_on = False
                if rank == 0:
                    progress(record)
                    if stop:
                        print(stop, file=sys.stderr)
                break
            stop = callbacks.early_stopping(stage["earlyStopping"], record, model)
            callbacks.reduce_lr(stage["reduceLr"], record, optimizer, rank)
            # a non-finite loss is never saved: the checkpoint keeps the last weights worth resuming from
            finite = math.isfinite(record["loss"])
            if stage["modelCheckpoint"] is not None and rank == 0 and finite and callbacks.model_checkpoint(stage["modelCheckpoint"], record):
                save_checkpoint(model_checkpoint, training_state(epoch), checkpoint_summary(
                    epoch + 1, self.history, optimizer, stage["optimizer"], self.args.architecture, stage["modelCheckpoint"]["monitor"],
                    callbacks.checkpoint_best), stage["name"])
            if rank == 0 and self.args.checkpoint and finite:
                monitor = stage["earlyStopping"]["monitor"] if stage["earlyStopping"] is not None else "loss"
                save_checkpoint(self.args.checkpoint, training_state(epoch), checkpoint_summary(
                    epoch + 1, self.history, optimizer, stage["optimizer"], self.args.architecture, monitor, callbacks.best), stage["name"])
            if rank == 0:
                progress(record)  # after the save: a checkpoint of this epoch exists once its line is printed
            if stop:
                if rank == 0:
                    print(f"dlm: early stopping after epoch {epoch + 1}", file=sys.stderr)
                break
        if callbacks.best_state is not None:
            model.load_state_dict(callbacks.best_state)
        return going_on

    def epoch(self, stage, epoch, end_epoch, trained, optimizer, sampler, loader, base_rate):
        """Trains one epoch and measures it: its record, and why the run stops after it (None: it goes on; "" for
        --max-steps, else the message of a non-finite loss under terminate_on_nan)."""
        started = time.time()
        device, rank = self.device, self.rank
        if stage["schedule"] is not None:
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(base_rate, epoch, stage["schedule"])
        sampler.set_epoch(epoch)
        trained.train()
        epoch_outputs = {}
        augmenter = augment_generator(epoch, rank) if AUGMENT else None
        totals = torch.zeros(2, dtype=torch.float64)
        seen = []  # (outputs, labels) of this epoch's training steps, for DLM's per-epoch metrics
        for features, labels in loader:
            features, labels = features.to(device), labels.to(device)
            if augmenter is not None:
                features = augment_batch(features, augmenter)
            optimizer.zero_grad()
            outputs = trained(features)
            if stage["trackMetrics"]:
                seen.append((outputs.detach(), labels))
            losses = per_example_loss(outputs, labels, stage["loss"])
            if self.class_weights is not None:
                losses = losses * self.class_weights[labels.long()]
            loss = losses.mean()
            loss.backward()
            optimizer.step()
            totals += torch.tensor([float(loss) * features.shape[0], features.shape[0]], dtype=torch.float64)
            self.steps += 1
            if self.args.max_steps and self.steps >= self.args.max_steps:
                break
        if self.distributed:
            # NCCL reduces tensors on the GPU only
            reduced = totals.to(device)
            dist.all_reduce(reduced)
            totals = reduced.cpu()
        record = {"epoch": epoch + 1, "epochs": end_epoch, "loss": float(totals[0] / max(totals[1], 1)),
                  "lr": optimizer.param_groups[0]["lr"], "samples": int(totals[1]), "seconds": time.time() - started}
        if self.validation is not None:
            validation_outputs = predict(self.model, self.validation, stage["validationBatchSize"], device)
            record["val_loss"] = mean_loss(validation_outputs, self.validation[1].to("cpu"), stage["loss"])
            if TASK == "classification":
                record["val_accuracy"] = accuracy(validation_outputs, self.validation[1])
            if stage["trackMetrics"]:
                epoch_outputs[f"epoch{epoch + 1}-validation"] = validation_outputs
        if stage["trackMetrics"] and seen:
            outputs, labels = gather_examples(torch.cat([o for o, _ in seen]), torch.cat([l for _, l in seen]), self.distributed, self.world_size)
            epoch_outputs[f"epoch{epoch + 1}-train"] = outputs
            epoch_outputs[f"epoch{epoch + 1}-train-labels"] = labels
            if TASK == "classification":
                record["accuracy"] = accuracy(outputs, labels)
        self.history.append(record)
        if rank == 0:
            save_epoch_outputs(self.args.out, epoch_outputs)
        if self.args.max_steps and self.steps >= self.args.max_steps:
            return record, ""
        if stage["terminateOnNan"] and not math.isfinite(record["loss"]):
            return record, f"dlm: the loss is {record['loss']} at epoch {epoch + 1}; training stopped"
        return record, None


def main(argv=None):
    parser = argparse.ArgumentParser(description=f"Train experiment {EXPERIMENT!r} with PyTorch.")
    parser.add_argument("--data", required=True, help="folder of the data DLM prepared (manifest.json and .npy splits)")
    parser.add_argument("--out", required=True, help="folder for history, predictions and weights (rank 0 writes it)")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs of the train stage")
    parser.add_argument("--fine-tune-epochs", type=int, default=0 if FINE_TUNE is None else FINE_TUNE["epochs"], help="epochs of the fine_tune stage")
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many training steps (0: no limit)")
    parser.add_argument("--checkpoint", help="folder of the run checkpoint, replaced atomically by rank 0 after every epoch")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoint in --checkpoint")
    parser.add_argument("--model-checkpoint", default=None if MODEL_CHECKPOINT is None else MODEL_CHECKPOINT["path"],
                        help="folder of model_checkpoint in train (default: its path as written, from the working directory)")
    parser.add_argument("--fine-tune-model-checkpoint", default=None if FINE_TUNE is None or FINE_TUNE["modelCheckpoint"] is None else FINE_TUNE["modelCheckpoint"]["path"],
                        help="folder of model_checkpoint in fine_tune (default: its path as written, from the working directory)")
    parser.add_argument("--architecture", default="", help="the model's architecture hash, recorded in checkpoint.json")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a process waits for the others in a collective before failing")
    args = parser.parse_args(argv)
    if args.resume and not args.checkpoint:
        parser.error("--resume needs --checkpoint")

    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu")
    if distributed:
        # torch's conv backward gives a one-channel kernel's gradient odd strides on its size-1 axis: harmless
        warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
        # a rank that died leaves the others waiting in a collective: they fail after --timeout instead of hanging
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo", init_method="env://", timeout=datetime.timedelta(seconds=args.timeout))

    with open(os.path.join(args.data, "manifest.json")) as handle:
        manifest = json.load(handle)
    data = {name: load_split(args.data, manifest, name) for name in ("train", "validation")}
    class_weights = manifest.get("classWeights")
    class_weights = None if class_weights is None else torch.tensor(class_weights, dtype=torch.float32, device=device)

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)  # the same initial weights in every process
    model = Model()
    init_like_keras(model)
    if any(backbone["pretrainedWeights"] for backbone in BACKBONES):
        load_backbone_weights(model, args.data)
    stages = [(train_stage(), args.epochs, args.model_checkpoint)]
    if FINE_TUNE is not None:
        stages.append((FINE_TUNE, args.fine_tune_epochs, args.fine_tune_model_checkpoint))
    if rank == 0:
        for folder in [args.checkpoint] + [folder for _, _, folder in stages]:
            if folder:
                remove_abandoned_saves(folder)
    resumed = load_checkpoint(args.checkpoint) if args.resume else None
    if resumed is not None:
        model.load_state_dict(resumed["model"])
    model.to(device)
    run = Run(args, model, device, data, class_weights)
    if resumed is not None:
        run.history, run.steps = resumed["history"], resumed["steps"]
    resumed_stage = None if resumed is None else resumed.get("stage", "train")
    # fine_tune's epochs are numbered after train's, so a checkpoint's epoch says where in the run it is
    first_epoch = 0
    for stage, epochs, model_checkpoint in stages:
        end_epoch = first_epoch + epochs
        skipped = resumed_stage == "fine_tune" and stage["name"] == "train"
        if not skipped and not run.stage(stage, first_epoch, end_epoch, model_checkpoint, resumed if resumed_stage == stage["name"] else None):
            break
        first_epoch = end_epoch

    if rank == 0:
        predictions = {}
        for name in ("train", "validation", "test"):
            split = load_split(args.data, manifest, name)
            if split is not None:
                predictions[name] = predict(model, split, VALIDATION_BATCH_SIZE, device)
        write_outputs(args.out, model, run.history, predictions)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()
    return 0`;
