/**
 * The checkpoints of a generated torch program, written as DLM's are: into a fresh folder
 * signed with DLM's `.dlm-bundle.json`, renamed into place, with DLM's `checkpoint.json` and
 * `stage.json` beside the torch state (weights, optimizer, random states, callback counters),
 * so `--resume` continues in the stage and epoch it stopped at.
 */

/** Saving, finding and loading checkpoints (no text from a `.dlm` file). */
export const CHECKPOINT_CODE = String.raw`TFJS_OPTIMIZER_CLASSES = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSProp", "adagrad": "Adagrad", "adamax": "Adamax"}
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


# torch.load(weights_only=True) reads tensors, ints, strings, None, lists, tuples and dicts, never
# code; torch 1.13's reader takes no Python float or numpy array, so the state holds those tagged.
SAVED_FLOAT, SAVED_ARRAY = "__dlm_float__", "__dlm_ndarray__"


def to_loadable(value):
    """value with each float as its repr and each numpy array as a tensor, tagged, for weights_only loading."""
    if isinstance(value, torch.Tensor) or value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (float, np.floating)):
        return (SAVED_FLOAT, repr(float(value)))
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.ndarray):
        wide = np.int64 if value.dtype.kind in "iub" else np.float64
        return (SAVED_ARRAY, str(value.dtype), torch.from_numpy(value.astype(wide)))
    if isinstance(value, dict):
        return {key: to_loadable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_loadable(item) for item in value)
    return value


def from_loadable(value):
    """The inverse of to_loadable."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] == SAVED_FLOAT:
        return float(value[1])
    if isinstance(value, tuple) and len(value) == 3 and value[0] == SAVED_ARRAY:
        return value[2].numpy().astype(value[1])
    if isinstance(value, dict):
        return {key: from_loadable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(from_loadable(item) for item in value)
    return value


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


def save_checkpoint(folder, state, summary, stage):
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
            torch.save(to_loadable(state), handle)
            handle.flush()
            os.fsync(handle.fileno())
        write_durably(os.path.join(temporary, "checkpoint.json"), json.dumps(summary, indent=2).encode())
        write_durably(os.path.join(temporary, "stage.json"), json.dumps({"stage": stage}).encode())
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
    """The state save_checkpoint wrote (from folder.previous when a save was cut between its renames).
    Read with weights_only: a checkpoint is data, and a torch-state.pt that asks to run code is refused."""
    if not os.path.exists(os.path.join(folder, CHECKPOINT_STATE)) and os.path.exists(os.path.join(folder + ".previous", CHECKPOINT_STATE)):
        folder = folder + ".previous"
    file = os.path.join(folder, CHECKPOINT_STATE)
    with open(file, "rb") as handle:
        try:
            return from_loadable(torch.load(handle, map_location="cpu", weights_only=True))
        except pickle.UnpicklingError as error:
            raise SystemExit(f"error: {file} holds more than tensors and numbers, so it was not read "
                             f"(a checkpoint is never run as code): {str(error).splitlines()[-1][:200]}. "
                             "Start the run again without --resume") from None


def checkpoint_summary(epoch, history, optimizer, spec, architecture, monitor, best):
    """DLM's checkpoint.json, in the shape the TF.js engine writes it; spec is the stage's optimizer spec."""
    summary = {
        "epoch": epoch,
        "history": history_logs(history),
        "optimizer": {"className": TFJS_OPTIMIZER_CLASSES[spec["name"]], "config": {"learningRate": optimizer.param_groups[0]["lr"]}},
        "optimizerSaved": True,
        "monitor": monitor,
        "best": best if best is not None and math.isfinite(best) else None,
        "engine": "torch",
    }
    if architecture:
        summary["architecture"] = architecture
    return summary
`;
