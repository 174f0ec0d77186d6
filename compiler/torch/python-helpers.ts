/**
 * The Python helpers a generated torch program may need, each the smallest code that
 * reproduces a TF.js behaviour torch lacks: TF's asymmetric `same` padding, pools that
 * average over real values only, transposed convolutions cropped as TF.js crops them,
 * TF.js's batch-norm and recurrent cells (hard-sigmoid gates, GRU without `reset_after`),
 * and TF.js's legacy bilinear upsampling. The emitter includes only those a model uses.
 */

export type HelperName =
  | "hard_sigmoid"
  | "tf_same_padding"
  | "ChannelsLast"
  | "pool_tf"
  | "ConvTranspose2dTF"
  | "SpatialDropout"
  | "BatchNormTF"
  | "upsample_tf"
  | "RecurrentTF"
  | "BidirectionalTF"
  | "image_preprocessing";

import { CAFFE_MEAN_BGR } from "../../runtime/image-preprocessing-modes.js";

interface Helper {
  readonly needs: readonly HelperName[];
  readonly code: string;
}

const HELPERS: { readonly [Name in HelperName]: Helper } = {
  hard_sigmoid: {
    needs: [],
    code: `def hard_sigmoid(x):
    """TF.js's hard sigmoid, clip(0.2 x + 0.5, 0, 1) (torch's hardsigmoid is x / 6 + 0.5)."""
    return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)`,
  },
  tf_same_padding: {
    needs: [],
    code: `def tf_same_padding(sizes, kernel, stride, dilation):
    """TF's \`same\` padding for F.pad (last axis first): an odd total puts the extra row or column at the bottom or right."""
    pads = []
    for size, k, s, d in zip(sizes, kernel, stride, dilation):
        total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(side for before, after in reversed(pads) for side in (before, after))`,
  },
  ChannelsLast: {
    needs: ["tf_same_padding"],
    code: `class ChannelsLast(nn.Module):
    """Runs a channels-first torch module on channels-last data [N, ..., C] (DLM's and TF.js's layout).

    same=(kernel, stride, dilation) pads as TF's \`same\` does before the module runs.
    """

    def __init__(self, inner, same=None):
        super().__init__()
        self.inner = inner
        self.same = same

    def forward(self, x):
        x = x.movedim(-1, 1)
        if self.same is not None:
            x = F.pad(x, tf_same_padding(x.shape[2:], *self.same))
        return self.inner(x).movedim(1, -1)`,
  },
  pool_tf: {
    needs: ["tf_same_padding"],
    code: `def pool_tf(x, kind, size, stride, same):
    """TF.js's max or average pooling of channels-last data; \`same\` averages over the real values of each window only."""
    x = x.movedim(-1, 1)
    rank = x.dim() - 2
    pool = {("max", 1): F.max_pool1d, ("max", 2): F.max_pool2d, ("avg", 1): F.avg_pool1d, ("avg", 2): F.avg_pool2d}[(kind, rank)]
    if not same:
        return pool(x, size, stride).movedim(1, -1)
    pad = tf_same_padding(x.shape[2:], size, stride, (1,) * rank)
    if kind == "max":
        return pool(F.pad(x, pad, value=-math.inf), size, stride).movedim(1, -1)
    ones = torch.ones_like(x[:1, :1])
    return (pool(F.pad(x, pad), size, stride) / pool(F.pad(ones, pad), size, stride)).movedim(1, -1)`,
  },
  ConvTranspose2dTF: {
    needs: [],
    code: `class ConvTranspose2dTF(nn.Module):
    """TF.js's conv2d_transpose on channels-last data: lengths n*s (same) or n*s + max(k - s, 0) (valid), cropped as TF crops."""

    def __init__(self, in_channels, filters, kernel, stride, same, bias=True):
        super().__init__()
        self.inner = nn.ConvTranspose2d(in_channels, filters, kernel, stride=stride, bias=bias)
        self.same = same

    def forward(self, x):
        x = x.movedim(-1, 1)
        y = F.conv_transpose2d(x, self.inner.weight, None, self.inner.stride)
        for axis, (size, k, s) in enumerate(zip(x.shape[2:], self.inner.kernel_size, self.inner.stride)):
            wanted = size * s if self.same else size * s + max(k - s, 0)
            start = max(k - s, 0) // 2 if self.same else 0
            y = y.narrow(2 + axis, start, min(wanted, y.shape[2 + axis] - start))
            missing = wanted - y.shape[2 + axis]
            if missing > 0:
                y = F.pad(y, [0, 0] * (1 - axis) + [0, missing])
        if self.inner.bias is not None:
            y = y + self.inner.bias.view(1, -1, 1, 1)
        return y.movedim(1, -1)`,
  },
  SpatialDropout: {
    needs: [],
    code: `class SpatialDropout(nn.Module):
    """Drops whole channels of channels-last data: one decision per example and channel, scaled by 1 / (1 - rate)."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        shape = (x.shape[0],) + (1,) * (x.dim() - 2) + (x.shape[-1],)
        keep = torch.bernoulli(torch.full(shape, 1 - self.rate, dtype=x.dtype, device=x.device))
        return x * keep / (1 - self.rate)`,
  },
  BatchNormTF: {
    needs: [],
    code: `class BatchNormTF(nn.Module):
    """Batch normalization over the last axis as TF.js does it: biased batch variance, and
    moving = momentum * moving + (1 - momentum) * batch (torch's BatchNorm momentum is 1 - this).
    Under DistributedDataParallel each process uses its own batch statistics (SyncBatchNorm needs CUDA).
    inference_mode (set inside a pretrained backbone) normalises with the moving statistics in training too, and leaves them."""

    def __init__(self, channels, momentum=0.99, epsilon=0.001):
        super().__init__()
        self.momentum = momentum
        self.epsilon = epsilon
        self.inference_mode = False
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))
        self.register_buffer("moving_mean", torch.zeros(channels))
        self.register_buffer("moving_variance", torch.ones(channels))

    def forward(self, x):
        if self.training and not self.inference_mode:
            axes = tuple(range(x.dim() - 1))
            mean = x.mean(dim=axes)
            variance = x.var(dim=axes, unbiased=False)
            with torch.no_grad():
                self.moving_mean.mul_(self.momentum).add_((1 - self.momentum) * mean)
                self.moving_variance.mul_(self.momentum).add_((1 - self.momentum) * variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        return (x - mean) * torch.rsqrt(variance + self.epsilon) * self.gamma + self.beta`,
  },
  upsample_tf: {
    needs: [],
    code: `def upsample_tf(x, size, bilinear):
    """TF.js's UpSampling2D of [N, H, W, C]: nearest repeats; bilinear samples at out / size (no half-pixel centres)."""
    for axis, factor in zip((1, 2), size):
        if not bilinear:
            x = x.repeat_interleave(factor, dim=axis)
            continue
        length = x.shape[axis]
        source = torch.arange(length * factor, dtype=x.dtype, device=x.device) / factor
        low = source.floor().long()
        high = (low + 1).clamp(max=length - 1)
        shape = [1] * x.dim()
        shape[axis] = -1
        fraction = (source - low).view(shape)
        x = x.index_select(axis, low) * (1 - fraction) + x.index_select(axis, high) * fraction
    return x`,
  },
  RecurrentTF: {
    needs: ["hard_sigmoid"],
    code: `class RecurrentTF(nn.Module):
    """A recurrent layer with TF.js's cells and weight layout: kernel [features, gates*units],
    recurrent_kernel [units, gates*units], bias [gates*units], gates in TF's order (LSTM i f c o,
    GRU z r h). Gates use TF.js's hard sigmoid; the GRU applies its reset gate before the
    recurrent product (Keras's reset_after=False). Dropout masks are drawn once per sequence."""

    GATES = {"lstm": 4, "gru": 3, "simple_rnn": 1}

    def __init__(self, cell, features, units, return_sequences=False, dropout=0.0, recurrent_dropout=0.0, go_backwards=False):
        super().__init__()
        gates = self.GATES[cell]
        self.cell = cell
        self.units = units
        self.return_sequences = return_sequences
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.go_backwards = go_backwards
        self.kernel = nn.Parameter(nn.init.xavier_uniform_(torch.empty(features, gates * units)))
        self.recurrent_kernel = nn.Parameter(torch.cat([nn.init.orthogonal_(torch.empty(units, units)) for _ in range(gates)], 1))
        self.bias = nn.Parameter(torch.zeros(gates * units))
        if cell == "lstm":
            with torch.no_grad():
                self.bias[units:2 * units] = 1.0  # Keras's unit_forget_bias

    def _mask(self, like, rate):
        if not self.training or rate == 0:
            return None
        return torch.bernoulli(torch.full_like(like, 1 - rate)) / (1 - rate)

    def forward(self, x):
        if self.go_backwards:
            x = x.flip(1)
        batch, steps = x.shape[0], x.shape[1]
        units = self.units
        input_mask = self._mask(x[:, 0], self.dropout)
        if input_mask is not None:
            x = x * input_mask.unsqueeze(1)
        projected = x @ self.kernel + self.bias
        h = x.new_zeros(batch, units)
        c = x.new_zeros(batch, units)
        state_mask = self._mask(h, self.recurrent_dropout)
        kernel = self.recurrent_kernel
        outputs = []
        for step in range(steps):
            p = projected[:, step]
            h_in = h if state_mask is None else h * state_mask
            if self.cell == "lstm":
                i, f, g, o = (p + h_in @ kernel).chunk(4, dim=-1)
                c = hard_sigmoid(f) * c + hard_sigmoid(i) * torch.tanh(g)
                h = hard_sigmoid(o) * torch.tanh(c)
            elif self.cell == "gru":
                xz, xr, xh = p.chunk(3, dim=-1)
                z = hard_sigmoid(xz + h_in @ kernel[:, :units])
                r = hard_sigmoid(xr + h_in @ kernel[:, units:2 * units])
                candidate = torch.tanh(xh + (r * h_in) @ kernel[:, 2 * units:])
                h = z * h + (1 - z) * candidate
            else:
                h = torch.tanh(p + h_in @ kernel)
            outputs.append(h)
        return torch.stack(outputs, 1) if self.return_sequences else h`,
  },
  BidirectionalTF: {
    needs: ["RecurrentTF"],
    code: `class BidirectionalTF(nn.Module):
    """TF.js's Bidirectional: the backward layer reads the sequence reversed; its sequence output is reversed back before merging."""

    def __init__(self, forward_layer, backward_layer, merge):
        super().__init__()
        self.forward_layer = forward_layer
        self.backward_layer = backward_layer
        self.merge = merge

    def forward(self, x):
        a = self.forward_layer(x)
        b = self.backward_layer(x)
        if self.backward_layer.return_sequences:
            b = b.flip(1)
        if self.merge == "concat":
            return torch.cat([a, b], dim=-1)
        if self.merge == "sum":
            return a + b
        if self.merge == "mul":
            return a * b
        return (a + b) / 2`,
  },
  image_preprocessing: {
    needs: [],
    code: `def image_preprocessing(x, mode):
    """Keras's preprocess_input for a network's ImageNet weights, on channels-last pixels of 0-255: tf (x / 127.5 - 1),
    caffe (RGB to BGR, minus the ImageNet mean of each channel), unit (x / 255)."""
    if mode == "tf":
        return x / 127.5 - 1
    if mode == "unit":
        return x / 255
    return x.flip(-1) - torch.tensor([${CAFFE_MEAN_BGR.join(", ")}], dtype=x.dtype, device=x.device)`,
  },
};

/** The code of the named helpers and everything they need, each once, dependencies first. */
export function helperCode(names: Iterable<HelperName>): string[] {
  const ordered: HelperName[] = [];
  const visit = (name: HelperName): void => {
    if (ordered.includes(name)) return;
    for (const need of HELPERS[name].needs) visit(need);
    ordered.push(name);
  };
  for (const name of names) visit(name);
  return ordered.map((name) => HELPERS[name].code);
}
