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


def load_tfjs_weights(model, arrays):
    """Sets the model's weights from TF.js arrays, given in TFJS_WEIGHTS's order."""
    state = model.state_dict()
    for (layer, weight, key, conversion), array in zip(TFJS_WEIGHTS, arrays):
        value = torch.from_numpy(np.ascontiguousarray(from_tfjs(np.asarray(array, dtype=np.float32), conversion)))
        if tuple(value.shape) != tuple(state[key].shape):
            raise ValueError(f"weight {layer}/{weight}: shape {tuple(value.shape)} does not fit {tuple(state[key].shape)}")
        state[key] = value
    model.load_state_dict(state)`;

/** Training: reads the settings constants, `Model`, and the weight functions. */
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


def per_example_loss(output, target):
    """The loss of each example, as DLM computes it (probabilities clipped to [1e-7, 1 - 1e-7])."""
    if LOSS in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        probabilities = (output / output.sum(dim=-1, keepdim=True)).clamp(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON)
        return -torch.log(probabilities.gather(1, target.long().view(-1, 1))).squeeze(1)
    if LOSS == "binary_crossentropy":
        if output.shape[-1] == 1:
            truth = target.float().view_as(output)
        else:
            truth = F.one_hot(target.long(), output.shape[-1]).float()
        p = output.clamp(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON)
        return -(truth * torch.log(p) + (1 - truth) * torch.log(1 - p)).mean(dim=-1)
    truth = target.float().reshape(output.shape)
    error = output - truth
    if LOSS == "mse":
        values = error ** 2
    elif LOSS == "mae":
        values = error.abs()
    else:  # huber, delta 1
        quadratic = error.abs().clamp(max=1.0)
        values = 0.5 * quadratic ** 2 + (error.abs() - quadratic)
    return values.reshape(values.shape[0], -1).mean(dim=1)


def make_optimizer(parameters):
    """The experiment's optimizer with Keras's defaults; the learning rate is always in the spec (DLM fills in its default)."""
    spec = OPTIMIZER
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


def learning_rate(base, epoch):
    """The schedule's rate for an epoch (0-based), as DLM's schedules compute it."""
    if SCHEDULE is None:
        return base
    kind = SCHEDULE["kind"]
    if kind == "step_decay":
        return base * SCHEDULE.get("factor", 0.5) ** (epoch // SCHEDULE["every"])
    if kind == "exponential_decay":
        return base * SCHEDULE["rate"] ** epoch
    if kind == "cosine_decay":
        return base * (1 + math.cos(math.pi * min(epoch, SCHEDULE["epochs"]) / SCHEDULE["epochs"])) / 2
    if kind == "warmup":
        return base * min(1.0, (epoch + 1) / SCHEDULE["epochs"])
    raise ValueError(f"this program has no schedule named {kind!r}")


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


def mean_loss(outputs, labels):
    return float(per_example_loss(outputs, labels).mean())


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
    for name, values in predictions.items():
        np.save(os.path.join(folder, f"predictions-{name}.npy"), values.numpy().astype(np.int32 if name.endswith("labels") and not values.is_floating_point() else np.float32))
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


TFJS_OPTIMIZER_CLASSES = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSProp", "adagrad": "Adagrad", "adamax": "Adamax"}
CHECKPOINT_STATE = "torch-state.pt"


def random_states():
    """The states of every random number generator the training draws from."""
    states = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        states["cuda"] = torch.cuda.get_rng_state_all()
    return states


def restore_random_states(states):
    random.setstate(states["python"])
    np.random.set_state(states["numpy"])
    torch.set_rng_state(states["torch"])
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


def history_logs(history):
    """The history as DLM's checkpoint.json holds it: {epochs: [0, 1, ...], logs: {name: [value per epoch]}}."""
    names = ["loss", "val_loss", "lr"]
    logs = {name: [record.get(name) for record in history] for name in names if history and all(name in record for record in history)}
    # JSON has no NaN: DLM reads null back as NaN
    logs = {name: [value if value is None or math.isfinite(value) else None for value in values] for name, values in logs.items()}
    return {"epochs": [record["epoch"] - 1 for record in history], "logs": logs}


def write_durably(file, data):
    with open(file, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def is_dlm_folder(folder):
    """Whether folder is a checkpoint DLM wrote: its .dlm-bundle.json says so (DLM never replaces anything else)."""
    try:
        with open(os.path.join(folder, ".dlm-bundle.json")) as handle:
            return json.load(handle).get("writtenBy") == "dlm"
    except (OSError, ValueError, AttributeError):
        return False


def save_checkpoint(folder, state, summary):
    """Writes the checkpoint into a fresh folder beside folder, then renames it into place, as DLM's checkpoints are written:
    a process killed at any moment leaves the last whole checkpoint at folder (or folder.previous, between the two renames)."""
    folder = os.path.abspath(folder)
    previous = folder + ".previous"
    for existing in (folder, previous):
        if os.path.exists(existing) and not is_dlm_folder(existing):
            raise SystemExit(f"error: {existing} exists and was not written by DLM: it is left alone; choose another checkpoint path")
    os.makedirs(os.path.dirname(folder), exist_ok=True)
    # named as DLM names its temporary folders: NAME.tmp-PID-XXXXXX
    temporary = f"{folder}.tmp-{os.getpid()}-{secrets.token_hex(3)}"
    os.mkdir(temporary)
    try:
        # signed first, as DLM signs its bundle folders, so even a half-written one is provably DLM's
        write_durably(os.path.join(temporary, ".dlm-bundle.json"), (json.dumps({"writtenBy": "dlm", "folder": os.path.basename(folder)}) + "\n").encode())
        with open(os.path.join(temporary, CHECKPOINT_STATE), "wb") as handle:
            torch.save(state, handle)
            handle.flush()
            os.fsync(handle.fileno())
        write_durably(os.path.join(temporary, "checkpoint.json"), json.dumps(summary, indent=2).encode())
        write_durably(os.path.join(temporary, "stage.json"), json.dumps({"stage": "train"}).encode())
        if not os.path.exists(folder) and os.path.exists(previous):
            os.replace(previous, folder)  # an earlier save was killed between its two renames
        shutil.rmtree(previous, ignore_errors=True)
        had_old = os.path.exists(folder)
        if had_old:
            os.replace(folder, previous)
        os.replace(temporary, folder)
        if had_old:
            shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def remove_abandoned_saves(folder):
    """Temporary folders of saves a killed process left beside folder (signed by DLM): never read, only in the way."""
    parent, base = os.path.split(os.path.abspath(folder))
    if not os.path.isdir(parent):
        return
    for entry in os.listdir(parent):
        if entry.startswith(base + ".tmp-") and is_dlm_folder(os.path.join(parent, entry)):
            shutil.rmtree(os.path.join(parent, entry), ignore_errors=True)


def load_checkpoint(folder):
    """The state save_checkpoint wrote (from folder.previous when a save was cut between its renames)."""
    if not os.path.exists(os.path.join(folder, CHECKPOINT_STATE)) and os.path.exists(os.path.join(folder + ".previous", CHECKPOINT_STATE)):
        folder = folder + ".previous"
    with open(os.path.join(folder, CHECKPOINT_STATE), "rb") as handle:
        return torch.load(handle, map_location="cpu")


def checkpoint_summary(epoch, history, optimizer, architecture, monitor, best):
    """DLM's checkpoint.json, in the shape the TF.js engine writes it."""
    summary = {
        "epoch": epoch,
        "history": history_logs(history),
        "optimizer": {"className": TFJS_OPTIMIZER_CLASSES[OPTIMIZER["name"]], "config": {"learningRate": optimizer.param_groups[0]["lr"]}},
        "optimizerSaved": True,
        "monitor": monitor,
        "best": best if best is not None and math.isfinite(best) else None,
        "engine": "torch",
    }
    if architecture:
        summary["architecture"] = architecture
    return summary


def save_epoch_outputs(folder, outputs):
    """This epoch's outputs (and gathered training labels), for DLM's per-epoch metrics; written as each epoch ends, so a resumed run keeps them."""
    os.makedirs(folder, exist_ok=True)
    for name, values in outputs.items():
        np.save(os.path.join(folder, f"predictions-{name}.npy"), values.numpy().astype(np.int32 if name.endswith("labels") and not values.is_floating_point() else np.float32))


def main(argv=None):
    parser = argparse.ArgumentParser(description=f"Train experiment {EXPERIMENT!r} with PyTorch.")
    parser.add_argument("--data", required=True, help="folder of the data DLM prepared (manifest.json and .npy splits)")
    parser.add_argument("--out", required=True, help="folder for history, predictions and weights (rank 0 writes it)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many training steps (0: no limit)")
    parser.add_argument("--checkpoint", help="folder of the run checkpoint, replaced atomically by rank 0 after every epoch")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoint in --checkpoint")
    parser.add_argument("--model-checkpoint", default=None if MODEL_CHECKPOINT is None else MODEL_CHECKPOINT["path"],
                        help="folder of model_checkpoint (default: its path as written, from the working directory)")
    parser.add_argument("--architecture", default="", help="the model's architecture hash, recorded in checkpoint.json")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a process waits for the others in a collective before failing")
    args = parser.parse_args(argv)
    if args.resume and not args.checkpoint:
        parser.error("--resume needs --checkpoint")

    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    distributed = world_size > 1
    device = torch.device(f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu")
    if distributed:
        # torch's conv backward gives a one-channel kernel's gradient odd strides on its size-1 axis: harmless
        warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
        # a rank that died leaves the others waiting in a collective: they fail after --timeout instead of hanging
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo", init_method="env://", timeout=datetime.timedelta(seconds=args.timeout))
    if BATCH_SIZE % world_size != 0 and rank == 0:
        print(f"warning: batch size {BATCH_SIZE} is not a multiple of {world_size} processes; "
              f"each takes {max(1, BATCH_SIZE // world_size)}", file=sys.stderr)

    with open(os.path.join(args.data, "manifest.json")) as handle:
        manifest = json.load(handle)
    train = load_split(args.data, manifest, "train")
    validation = load_split(args.data, manifest, "validation")
    class_weights = manifest.get("classWeights")
    class_weights = None if class_weights is None else torch.tensor(class_weights, dtype=torch.float32, device=device)

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)  # the same initial weights in every process
    model = Model()
    init_like_keras(model)
    if rank == 0:
        for folder in (args.checkpoint, args.model_checkpoint):
            if folder:
                remove_abandoned_saves(folder)
    resumed = load_checkpoint(args.checkpoint) if args.resume else None
    if resumed is not None:
        model.load_state_dict(resumed["model"])
    model.to(device)
    trained = DistributedDataParallel(model, device_ids=[local_rank] if device.type == "cuda" else None) if distributed else model
    optimizer = make_optimizer(trained.parameters())
    base_rate = optimizer.param_groups[0]["lr"]
    dataset = TensorDataset(*train)
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=SHUFFLE, seed=SEED)
    loader = DataLoader(dataset, batch_size=max(1, BATCH_SIZE // world_size), sampler=sampler)

    history = []
    steps = 0
    best, waited, best_state = None, 0, None
    plateau_best, plateau_waited = None, 0
    first_epoch = 0
    checkpoint_best, warned_monitor = None, False

    def training_state(epoch):
        """Everything a resumed run needs after this epoch."""
        return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "random": random_states(),
                "epoch": epoch + 1, "history": history, "steps": steps, "early_stopping": (best, waited, best_state),
                "reduce_lr": (plateau_best, plateau_waited), "model_checkpoint": checkpoint_best}

    if resumed is not None:
        optimizer.load_state_dict(resumed["optimizer"])
        restore_random_states(resumed["random"])
        history, steps, first_epoch = resumed["history"], resumed["steps"], resumed["epoch"]
        best, waited, best_state = resumed["early_stopping"]
        plateau_best, plateau_waited = resumed["reduce_lr"]
        checkpoint_best = resumed.get("model_checkpoint")
    for epoch in range(first_epoch, args.epochs):
        started = time.time()
        if SCHEDULE is not None:
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(base_rate, epoch)
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
            if TRACK_METRICS:
                seen.append((outputs.detach(), labels))
            losses = per_example_loss(outputs, labels)
            if class_weights is not None:
                losses = losses * class_weights[labels.long()]
            loss = losses.mean()
            loss.backward()
            optimizer.step()
            totals += torch.tensor([float(loss) * features.shape[0], features.shape[0]], dtype=torch.float64)
            steps += 1
            if args.max_steps and steps >= args.max_steps:
                break
        if distributed:
            # NCCL reduces tensors on the GPU only
            reduced = totals.to(device)
            dist.all_reduce(reduced)
            totals = reduced.cpu()
        record = {"epoch": epoch + 1, "epochs": args.epochs, "loss": float(totals[0] / max(totals[1], 1)),
                  "lr": optimizer.param_groups[0]["lr"], "samples": int(totals[1]), "seconds": time.time() - started}
        if validation is not None:
            validation_outputs = predict(model, validation, VALIDATION_BATCH_SIZE, device)
            record["val_loss"] = mean_loss(validation_outputs, validation[1].to("cpu"))
            if TASK == "classification":
                record["val_accuracy"] = accuracy(validation_outputs, validation[1])
            if TRACK_METRICS:
                epoch_outputs[f"epoch{epoch + 1}-validation"] = validation_outputs
        if TRACK_METRICS and seen:
            outputs, labels = gather_examples(torch.cat([o for o, _ in seen]), torch.cat([l for _, l in seen]), distributed, world_size)
            epoch_outputs[f"epoch{epoch + 1}-train"] = outputs
            epoch_outputs[f"epoch{epoch + 1}-train-labels"] = labels
            if TASK == "classification":
                record["accuracy"] = accuracy(outputs, labels)
        history.append(record)
        if rank == 0:
            save_epoch_outputs(args.out, epoch_outputs)
        if args.max_steps and steps >= args.max_steps:
            if rank == 0:
                progress(record)
            break
        if TERMINATE_ON_NAN and not math.isfinite(record["loss"]):
            if rank == 0:
                progress(record)
                print(f"dlm: the loss is {record['loss']} at epoch {epoch + 1}; training stopped", file=sys.stderr)
            break
        stop = False
        if EARLY_STOPPING is not None and EARLY_STOPPING["monitor"] in record:
            value = record[EARLY_STOPPING["monitor"]]
            if best is None or improves(EARLY_STOPPING, value, best):
                best, waited = value, 0
                if EARLY_STOPPING["restoreBestWeights"]:
                    best_state = {key: tensor.detach().clone() for key, tensor in model.state_dict().items()}
            else:
                waited += 1
                stop = waited >= EARLY_STOPPING["patience"]
        if REDUCE_LR is not None and REDUCE_LR["monitor"] in record:
            value = record[REDUCE_LR["monitor"]]
            if plateau_best is None or improves(REDUCE_LR, value, plateau_best):
                plateau_best, plateau_waited = value, 0
            else:
                plateau_waited += 1
                old_rate = optimizer.param_groups[0]["lr"]
                # compared in float32 as Keras does, so a rate at min_lr is not "reduced" again
                if plateau_waited >= REDUCE_LR["patience"] and np.float32(old_rate) > np.float32(REDUCE_LR["minLr"]):
                    new_rate = max(old_rate * REDUCE_LR["factor"], REDUCE_LR["minLr"])
                    for group in optimizer.param_groups:
                        group["lr"] = new_rate
                    plateau_waited = 0
                    if rank == 0:
                        print(f"dlm: epoch {epoch + 1}: reduce_lr_on_plateau reducing learning rate to {new_rate}", file=sys.stderr)
        # a non-finite loss is never saved: the checkpoint keeps the last weights worth resuming from
        if MODEL_CHECKPOINT is not None and rank == 0 and math.isfinite(record["loss"]):
            value = record.get(MODEL_CHECKPOINT["monitor"])
            if value is None and not warned_monitor:
                print(f"warning: model_checkpoint monitors {MODEL_CHECKPOINT['monitor']!r}, which epoch {epoch + 1} did not log; "
                      f"logged: {', '.join(sorted(k for k in record if k not in ('epoch', 'epochs', 'seconds', 'samples')))}", file=sys.stderr)
                warned_monitor = True
            better = value is not None and math.isfinite(value) and improves(MODEL_CHECKPOINT, value, checkpoint_best)
            if better:
                checkpoint_best = value
            if better or (not MODEL_CHECKPOINT["saveBestOnly"] and value is not None):
                save_checkpoint(args.model_checkpoint, training_state(epoch), checkpoint_summary(
                    epoch + 1, history, optimizer, args.architecture, MODEL_CHECKPOINT["monitor"], checkpoint_best))
        if rank == 0 and args.checkpoint and math.isfinite(record["loss"]):
            monitor = EARLY_STOPPING["monitor"] if EARLY_STOPPING is not None else "loss"
            save_checkpoint(args.checkpoint, training_state(epoch), checkpoint_summary(epoch + 1, history, optimizer, args.architecture, monitor, best))
        if rank == 0:
            progress(record)  # after the save: a checkpoint of this epoch exists once its line is printed
        if stop:
            if rank == 0:
                print(f"dlm: early stopping after epoch {epoch + 1}", file=sys.stderr)
            break
    if best_state is not None:
        model.load_state_dict(best_state)

    if rank == 0:
        predictions = {}
        for name in ("train", "validation", "test"):
            split = load_split(args.data, manifest, name)
            if split is not None:
                predictions[name] = predict(model, split, VALIDATION_BATCH_SIZE, device)
        write_outputs(args.out, model, history, predictions)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()
    return 0`;
