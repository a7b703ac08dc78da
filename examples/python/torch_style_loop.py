"""A PyTorch-style training loop, tracked by RunLens without any helper.

RunLens runs this script for loop.train.yaml and reads the lines it prints
in the form

    runlens: metric train_loss=0.4183 step=120
    runlens: param backend=torch
    runlens: tag data=synthetic

so any language or framework can log a run by printing. The model is a
logistic regression on a synthetic, seeded binary classification problem:
epochs of shuffled mini-batches, a loss that goes down, and a validation
pass at the end of every epoch, as in a PyTorch training loop.

With PyTorch installed the loop uses torch (nn.Linear, BCEWithLogitsLoss,
SGD); without it, the same loop runs in plain Python, so the example works
with any python3. The params arrive as --epochs=8 --lr=0.5 ... (args in the
config); RunLens also sets them as RUNLENS_PARAM_EPOCHS, RUNLENS_PARAM_LR, ...
"""
import argparse
import math
import random

FEATURES = 10


def make_data(n, seed):
    """Rows of FEATURES Gaussian features; the label is a noisy linear rule. 80 % train, 20 % validation."""
    rng = random.Random(seed)
    true_w = [rng.uniform(-2, 2) for _ in range(FEATURES)]
    rows = []
    for _ in range(n):
        x = [rng.gauss(0, 1) for _ in range(FEATURES)]
        z = sum(w * v for w, v in zip(true_w, x)) + rng.gauss(0, 1.0)
        rows.append((x, 1.0 if z > 0 else 0.0))
    cut = int(n * 0.8)
    return rows[:cut], rows[cut:]


def batches(rows, size, rng):
    order = list(range(len(rows)))
    rng.shuffle(order)
    for i in range(0, len(order), size):
        yield [rows[j] for j in order[i:i + size]]


def log_metrics(step, **metrics):
    # One line per step, read by RunLens; flush so the run's charts update live
    # (RunLens also sets PYTHONUNBUFFERED=1).
    pairs = " ".join(f"{k}={v:.6g}" for k, v in metrics.items())
    print(f"runlens: metric {pairs} step={step}", flush=True)


def bce_from_logit(z, y):
    """Binary cross-entropy of a logit, computed stably (as BCEWithLogitsLoss does)."""
    return max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z)))


def train_plain(args, train, val):
    rng = random.Random(args.seed)
    w = [0.0] * FEATURES
    b = 0.0
    step = 0
    for epoch in range(1, args.epochs + 1):
        for batch in batches(train, args.batch_size, rng):
            gw = [0.0] * FEATURES
            gb = 0.0
            loss = 0.0
            for x, y in batch:
                z = sum(wi * xi for wi, xi in zip(w, x)) + b
                loss += bce_from_logit(z, y)
                err = 1.0 / (1.0 + math.exp(-z)) - y  # d loss / d z
                for i in range(FEATURES):
                    gw[i] += err * x[i]
                gb += err
            n = len(batch)
            w = [wi - args.lr * g / n for wi, g in zip(w, gw)]
            b -= args.lr * gb / n
            step += 1
            if step % args.log_every == 0:
                log_metrics(step, train_loss=loss / n)
        val_loss = 0.0
        correct = 0
        for x, y in val:
            z = sum(wi * xi for wi, xi in zip(w, x)) + b
            val_loss += bce_from_logit(z, y)
            correct += int((z > 0) == (y > 0.5))
        report(epoch, args.epochs, step, val_loss / len(val), correct / len(val))


def train_torch(torch, args, train, val):
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    model = torch.nn.Linear(FEATURES, 1)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    val_x = torch.tensor([x for x, _ in val])
    val_y = torch.tensor([[y] for _, y in val])
    step = 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        for batch in batches(train, args.batch_size, rng):
            x = torch.tensor([r[0] for r in batch])
            y = torch.tensor([[r[1]] for r in batch])
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            step += 1
            if step % args.log_every == 0:
                log_metrics(step, train_loss=loss.item())
        model.eval()
        with torch.no_grad():
            logits = model(val_x)
            val_loss = loss_fn(logits, val_y).item()
            accuracy = ((logits > 0).float() == val_y).float().mean().item()
        report(epoch, args.epochs, step, val_loss, accuracy)


def report(epoch, epochs, step, val_loss, val_accuracy):
    # The validation metrics are logged per epoch; the plain line is for people reading the output.
    log_metrics(epoch, val_loss=val_loss, val_accuracy=val_accuracy)
    print(f"epoch {epoch}/{epochs}  step {step}  val_loss {val_loss:.4f}  val_accuracy {val_accuracy:.3f}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--batch_size", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--log_every", type=int, default=10, help="log train_loss every N batches")
    args = p.parse_args()

    try:
        import torch
    except ImportError:
        torch = None
    backend = "torch" if torch is not None else "python"
    print(f"runlens: param backend={backend} rows=2000 features={FEATURES}")
    print("runlens: tag data=synthetic")
    if torch is None:
        print("PyTorch is not installed: running the same loop in plain Python")
    train, val = make_data(2000, args.seed)
    if torch is not None:
        train_torch(torch, args, train, val)
    else:
        train_plain(args, train, val)


if __name__ == "__main__":
    main()
