"""PyTorch as the yardstick of bench/train.ts: plain PyTorch code training the same MLP or
small CNN as DLM's bench (batch 64, Adam, random MNIST-shaped data) at a given thread count.

    /usr/bin/python3 bench/torch-yardstick.py MODEL EXAMPLES RUNS THREADS

MODEL is mlp or cnn. Prints one JSON line: {"torch": VERSION, "epochSeconds": [...]}, the
seconds of each timed epoch after one untimed warm-up epoch. Exits 3 when torch cannot be
imported (the message on stderr), so the caller can report the reason.
"""
import json
import sys
import time

try:
    import torch
    from torch import nn
except Exception as error:  # any import failure makes the yardstick unavailable, not the bench
    print(f"import torch failed: {error}", file=sys.stderr)
    sys.exit(3)

BATCH_SIZE = 64


def build(model: str) -> nn.Module:
    """The bench's models, layer for layer (channels-first here, as PyTorch wants)."""
    if model == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if model == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10),
        )
    raise SystemExit(f"unknown model {model!r}: expected mlp or cnn")


def epoch(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> float:
    """Seconds for one shuffled epoch of Adam steps with cross-entropy from the logits."""
    loss_function = nn.CrossEntropyLoss()
    start = time.perf_counter()
    order = torch.randperm(x.shape[0])
    for first in range(0, x.shape[0], BATCH_SIZE):
        batch = order[first : first + BATCH_SIZE]
        optimizer.zero_grad()
        loss = loss_function(model(x[batch]), y[batch])
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def main() -> None:
    model_name, examples, runs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.rand(examples, 1, 28, 28)
    y = torch.randint(0, 10, (examples,))
    model = build(model_name)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    epoch(model, optimizer, x, y)  # warm-up
    seconds = [epoch(model, optimizer, x, y) for _ in range(runs)]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "epochSeconds": seconds}))


main()
