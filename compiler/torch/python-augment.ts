/**
 * The image augmentation of a generated torch program: `augment { ... }` as torch ops on
 * channels-last batches, drawing from the distributions of DLM's own augmenter
 * (runtime/data/augment.ts) — one draw per example, the steps in the order written — from a
 * generator seeded per epoch and process, applied to the training split only.
 */

/** `augment_batch(images, generator)` and what it needs; reads the `AUGMENT` constant. */
export const AUGMENT_CODE = String.raw`def uniform(generator, count, low, high):
    """count draws from the uniform distribution on [low, high)."""
    return low + (high - low) * torch.rand(count, generator=generator)


def sample_affine(images, rows, mode):
    """Output pixel (x, y) of each example reads input (a0 x + a1 y + a2, b0 x + b1 y + b2), zero outside, as tf.image.transform does.

    rows: six tensors [count] (a0, a1, a2, b0, b1, b2); images [N, H, W, C]."""
    count, height, width = images.shape[0], images.shape[1], images.shape[2]
    y, x = torch.meshgrid(torch.arange(height, dtype=torch.float32), torch.arange(width, dtype=torch.float32), indexing="ij")
    a0, a1, a2, b0, b1, b2 = (row.view(count, 1, 1).to(torch.float32) for row in rows)
    source_x = a0 * x + a1 * y + a2
    source_y = b0 * x + b1 * y + b2
    # align_corners=True: -1 and 1 are the centres of the first and last pixels
    grid = torch.stack([2 * source_x / max(width - 1, 1) - 1, 2 * source_y / max(height - 1, 1) - 1], dim=-1).to(images.device)
    sampled = F.grid_sample(images.movedim(-1, 1).float(), grid, mode=mode, padding_mode="zeros", align_corners=True)
    return sampled.movedim(1, -1).to(images.dtype)


def augment_step(images, step, generator):
    """One step of augment { ... } on a batch [N, H, W, C]."""
    count, height, width = images.shape[0], images.shape[1], images.shape[2]
    device = images.device
    kind = step["kind"]
    if kind == "flip":
        for axis, applies in ((2, step["mode"] != "vertical"), (1, step["mode"] != "horizontal")):
            if applies:
                mirror = (torch.rand(count, generator=generator) < 0.5).to(device).view(count, 1, 1, 1)
                images = torch.where(mirror, images.flip(axis), images)
        return images
    ones, zeros = torch.ones(count), torch.zeros(count)
    if kind == "rotate":
        radians = step["degrees"] * math.pi / 180
        angle = uniform(generator, count, -radians, radians)
        cos, sin = torch.cos(angle), torch.sin(angle)
        cx, cy = (width - 1) / 2, (height - 1) / 2
        return sample_affine(images, (cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy), "bilinear")
    if kind == "translate":
        reach = math.floor(step["pixels"])
        dx = torch.floor(uniform(generator, count, 0, 2 * reach + 1)) - reach
        dy = torch.floor(uniform(generator, count, 0, 2 * reach + 1)) - reach
        return sample_affine(images, (ones, zeros, dx, zeros, ones, dy), "nearest")
    if kind == "zoom":
        inverse = 1 / uniform(generator, count, 1 - step["range"], 1 + step["range"])
        return sample_affine(images, (inverse, zeros, (1 - inverse) * (width - 1) / 2, zeros, inverse, (1 - inverse) * (height - 1) / 2), "bilinear")
    if kind == "crop":
        padding = step.get("padding", 0)
        padded_height, padded_width = height + 2 * padding, width + 2 * padding
        crop_height, crop_width = min(step["size"][0], padded_height), min(step["size"][1], padded_width)
        top = torch.floor(uniform(generator, count, 0, padded_height - crop_height + 1))
        left = torch.floor(uniform(generator, count, 0, padded_width - crop_width + 1))
        # tf.image.cropAndResize: the window's corner pixels map to the output's corner pixels; offsets in the unpadded image
        x_scale = (crop_width - 1) / max(width - 1, 1)
        y_scale = (crop_height - 1) / max(height - 1, 1)
        return sample_affine(images, (ones * x_scale, zeros, left - padding, zeros, ones * y_scale, top - padding), "bilinear")
    if kind == "brightness":
        return images + uniform(generator, count, -step["delta"], step["delta"]).to(device).view(count, 1, 1, 1)
    if kind == "contrast":
        mean = images.mean(dim=(1, 2), keepdim=True)
        return (images - mean) * uniform(generator, count, 1 - step["range"], 1 + step["range"]).to(device).view(count, 1, 1, 1) + mean
    if kind == "noise":
        return images + (step["stddev"] * torch.randn(images.shape, generator=generator)).to(device)
    raise ValueError(f"unknown augment step {kind!r}")


def augment_batch(images, generator):
    """augment { ... }: each step in the order written, every example drawing its own amounts."""
    for step in AUGMENT:
        images = augment_step(images, step, generator)
    return images


def augment_generator(epoch, rank):
    """The generator of one epoch's augmentation in one process: seeded, so a resumed run draws what the whole run would."""
    return torch.Generator().manual_seed((SEED * 1_000_003 + epoch * 7_919 + rank * 104_729) % (2 ** 63))`;
