"""The served forward pass: the trained model's encoder rebuilt for inference, int8 per token.

``ServedModel(model)`` computes what ``SpatialModel.forward`` computes, from the same weights,
with three differences that only change speed and rounding:

- **Int8 with one activation scale per token.** Every encoder Linear multiplies int8 weights
  (one scale per output channel) by int8 activations scaled row by row, with ``torch._int_mm``
  (exact int32 sums), then scales back. A token's numbers depend on that token's row only, so
  a cue gets the same answer alone or in a batch, padded or not. PyTorch's dynamic int8
  (``quantize_dynamic``) takes one activation scale per *batch*: on the validation split 43 %
  of cues moved by more than 1 deg between one-at-a-time and batches of 64, and it was less
  accurate (validation AE 4.53 deg, against 3.80 per token and 3.94 float32).
- **Packed tokens.** The Linears, LayerNorms and GELUs see only the real tokens of a batch
  (padding rows are dropped before the first layer); attention scatters them back into
  (batch, length) to mask it. Batches cost what their tokens cost, not their padding.
- **Fused query/key/value**: one matrix, one quantization of its input.

The heads (trunk and outputs, one row per cue) stay float32: they are a few small matrices.
With ``int8=False`` every Linear stays float32 (the same graph, for comparison).

An ensemble (``members``: the other members' ``SpatialModel``) shares the embeddings and the frozen
layers, which are the base encoder's in every member; each member runs its own fine-tuned layers and
heads on them, and ``oscbridge.model.combine_members`` averages their answers. The word-level
elevation head is the first model's.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from oscbridge.model import combine_members


class TokenInt8Linear(nn.Module):
    """``x @ W.T + b`` with int8 W (a scale per output channel) and int8 x (a scale per row)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor):
        super().__init__()
        w = weight.detach().float()
        ws = (w.abs().amax(1, keepdim=True) / 127.0).clamp_min(1e-12)  # (out, 1)
        self.register_buffer("wq_t", torch.round(w / ws).clamp(-127, 127).to(torch.int8).t().contiguous())  # (in, out)
        self.register_buffer("w_scale", (ws.t() / 127.0).contiguous())  # (1, out); /127 undoes the row scale's 127
        self.register_buffer("bias", bias.detach().float().clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (N, in) -> (N, out)
        a = x.abs().amax(1, keepdim=True).clamp_min_(1e-10)  # (N, 1): each row's largest |x| maps to 127
        xq = torch.mul(x, 127.0 / a).round_().to(torch.int8)
        return torch._int_mm(xq, self.wq_t).float().mul_(a * self.w_scale).add_(self.bias)


class FloatLinear(nn.Module):
    def __init__(self, weight: torch.Tensor, bias: torch.Tensor):
        super().__init__()
        self.register_buffer("weight", weight.detach().float().clone())
        self.register_buffer("bias", bias.detach().float().clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight, self.bias)


class ServedLayer(nn.Module):
    """One BERT layer (post-LayerNorm, GELU) on packed tokens."""

    def __init__(self, layer: nn.Module, linear: type):
        super().__init__()
        att = layer.attention.self
        self.heads, self.head_dim = att.num_attention_heads, att.attention_head_size
        self.scaling = float(att.scaling)
        self.qkv = linear(torch.cat([att.query.weight, att.key.weight, att.value.weight]),
                          torch.cat([att.query.bias, att.key.bias, att.value.bias]))
        self.out = linear(layer.attention.output.dense.weight, layer.attention.output.dense.bias)
        self.norm1 = layer.attention.output.LayerNorm
        self.up = linear(layer.intermediate.dense.weight, layer.intermediate.dense.bias)
        self.down = linear(layer.output.dense.weight, layer.output.dense.bias)
        self.norm2 = layer.output.LayerNorm

    def forward(self, x: torch.Tensor, keep: torch.Tensor, idx: torch.Tensor, b: int, t: int) -> torch.Tensor:
        """x (N, H): the real tokens; idx (N,): their rows in the padded (b * t); keep (b, 1, 1, t)."""
        qkv = self.qkv(x)  # (N, 3H)
        padded = qkv.new_zeros(b * t, qkv.shape[1]).index_copy_(0, idx, qkv)
        q, k, v = padded.view(b, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)  # each (b, heads, t, d)
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, scale=self.scaling)
        ctx = ctx.transpose(1, 2).reshape(b * t, -1).index_select(0, idx)  # (N, H)
        x = self.norm1(self.out(ctx) + x)
        return self.norm2(self.down(F.gelu(self.up(x))) + x)


class ServedModel(nn.Module):
    """(B, T) ids and mask -> the raw head outputs of ``SpatialModel.forward``."""

    def __init__(self, model: nn.Module, int8: bool = True, members: tuple = ()):
        super().__init__()
        linear = TokenInt8Linear if int8 else FloatLinear
        self.model = model  # embeddings and heads are used from here, as they are
        self.layers = nn.ModuleList(ServedLayer(layer, linear) for layer in model.bert.encoder.layer)
        # an ensemble's other members: their own fine-tuned layers and heads on the shared frozen layers
        self.members = nn.ModuleList(members)
        self.member_layers = nn.ModuleList(
            nn.ModuleList(ServedLayer(layer, linear) for layer in m.bert.encoder.layer[m.split :]) for m in members)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        h = self.model.bert.embeddings(input_ids=input_ids)  # (B, T, H)
        b, t, width = h.shape
        keep = attention_mask.bool()[:, None, None, :]
        idx = attention_mask.reshape(-1).nonzero().squeeze(1)  # rows of the real tokens
        x = h.reshape(b * t, width).index_select(0, idx)
        split, el_head = self.model.split, self.model.el_head
        for layer in self.layers[:split]:  # the frozen layers
            x = layer(x, keep, idx, b, t)
        el = None
        if el_head is not None:  # the word-level elevation head reads the frozen layers' output
            g = el_head.tokens(x)  # (N, 4)
            el = el_head.pool(g.new_zeros(b * t, g.shape[1]).index_copy_(0, idx, g).view(b, t, -1), attention_mask)
        cue = torch.div(idx, t, rounding_mode="floor")  # which cue each token belongs to
        count = attention_mask.sum(1, keepdim=True).clamp(min=1).to(x.dtype)
        outs = []
        for model, layers in [(self.model, self.layers[split:]), *zip(self.members, self.member_layers)]:
            y = x
            for layer in layers:  # the fine-tuned layers
                y = layer(y, keep, idx, b, t)
            pooled = y.new_zeros(b, width).index_add_(0, cue, y) / count  # masked mean over each cue's tokens
            outs.append(model.heads(pooled))
        out = combine_members(outs, self.model.config.arc_scale)
        if el is not None:
            out.update(el)
        return out
