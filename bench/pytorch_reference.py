#!/usr/bin/python3
"""The e2kd benchmark cases in plain PyTorch, the way the authors' code computes them.

Run with Debian's PyTorch 1.13 (/usr/bin/python3):

    /usr/bin/python3 bench/pytorch_reference.py --case bcos-r34-r18 [--steps N] [--warmup W] [--batch B] [--size S]

Threads: one intra-op thread per physical core of the CPUs this process may use (what PyTorch 2.x picks by default;
torch 1.13 as packaged here starts with half the logical CPUs, 1 on a 2-core machine), unless --threads is given.
Nothing else is set: OpenMP's wait policy and all other settings are PyTorch's own defaults.
bench/reference_fixtures.py checks the routes below against the authors' fixtures (ReferenceFixturesTest).

Each timed step is a full e2KD (or KD) training step on random data: live teacher forward and explanation, student
forward and differentiable explanation, loss, backward, Adam step. The last line printed is images_per_second=<n>.

Route, as in the authors' code (GoodTeachersExplain, `explanation_aware_forward` / `TeachersExplainCriterion`):
* B-cos: B-cos-v2 style modules written out below (unit-norm BcosConv2d B=2 with patch norm, uncentered bias-free
  batch norm, AvgPool stem, 1x1 B-cos classifier before global pooling, logit bias -log(C-1)). Every dynamic factor
  goes through a custom autograd function (forward factor*x; in explanation mode its backward passes g*factor to x
  and nothing to the factor). The images require grad; in explanation mode the teacher is run and explained for its
  top-1 class by a plain backward(inputs=[images]), then the student, whose W(x) for that class comes from
  backward(inputs=[images], create_graph=True). The final loss.backward() runs with explanation mode off.
* bcos-d169-vitti: the same route with a B-cos-v2 DenseNet-169 teacher and the authors' B-cos SimpleViT-Ti student
  (patch 16, dim 192, depth 12, 3 heads, MLP 768; einops' rearrange written as reshape/permute): B-cos linear layers,
  bias-free LayerNorms with 1/std and the attention weights as dynamic factors (custom autograd functions as above).
* Standard: torchvision ResNets; GradCAM at layer4 from the feature-map gradient (backward(inputs=[features]),
  create_graph=True for the student), ReLU, bilinear resize to the input size. The teacher's trunk runs without a
  graph; only its head is differentiated (for its GradCAM).
* KD: teacher without a graph, student forward, KD loss, backward, Adam.
Loss: tau^2 * KL(softmax(z_T/tau) || softmax(z_S/tau)), tau = 1, + lambda * mean(1 - cos), lambda = 1.
"""
import argparse
import math
import os
import time
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

CLASSES = 1000
TAU = 1.0
LAMBDA = 1.0
CASES = {
    # name: (family, explanation term, default size, default batch)
    "bcos-r34-r18": ("bcos", True, 64, 16),
    "std-r34-r18-gradcam": ("standard", True, 224, 8),
    "kd-r34-r18": ("standard", False, 224, 8),
    "bcos-d169-vitti": ("bcos", True, 224, 8),
}


class _DynamicMultiplication(torch.autograd.Function):
    """factor * x; in explanation mode the backward treats the factor as a constant (the authors' trick)."""

    @staticmethod
    def forward(ctx, factor, x, state):
        ctx.state = state
        ctx.save_for_backward(factor, x)
        return factor * x

    @staticmethod
    def backward(ctx, g):
        factor, x = ctx.saved_tensors
        if ctx.state["explain"]:
            return None, g * factor, None
        return g * x, g * factor, None


class _DynamicMatmul(torch.autograd.Function):
    """attn @ v; in explanation mode the backward treats the attention weights as constant."""

    @staticmethod
    def forward(ctx, attn, v, state):
        ctx.state = state
        ctx.save_for_backward(attn, v)
        return attn @ v

    @staticmethod
    def backward(ctx, g):
        attn, v = ctx.saved_tensors
        grad_v = attn.transpose(-1, -2) @ g
        if ctx.state["explain"]:
            return None, grad_v, None
        return g @ v.transpose(-1, -2), grad_v, None


class BcosConv2d(nn.Module):
    """B-cos conv, B=2: out = (|w^ x| / ||x_patch||) * (w^ x), w^ the unit-norm kernel."""

    def __init__(self, state, cin, cout, k, stride=1, padding=0):
        super().__init__()
        self.state, self.k, self.stride, self.padding = state, k, stride, padding
        self.linear = nn.Conv2d(cin, cout, k, stride, padding, bias=False)

    def forward(self, x):
        w = self.linear.weight
        w = w / torch.linalg.vector_norm(w, dim=(1, 2, 3), keepdim=True)
        out = F.conv2d(x, w, None, self.stride, self.padding)
        norm = (F.avg_pool2d((x ** 2).sum(1, keepdim=True), self.k, padding=self.padding, stride=self.stride,
                             divisor_override=1) + 1e-6).sqrt_()
        return _DynamicMultiplication.apply(out.abs() / norm, out, self.state)


class BatchNormUncentered2d(nn.BatchNorm2d):
    """x / sqrt(var + eps) * gamma, never centred, no bias; 1/sigma is a dynamic factor."""

    def __init__(self, state, channels):
        super().__init__(channels)
        self.bias = None
        self.state = state

    def forward(self, x):
        if self.training:
            self.num_batches_tracked.add_(1)
            var = x.var(dim=(0, 2, 3), unbiased=False)
            self.running_var.copy_((1 - self.momentum) * self.running_var + self.momentum * var.detach())
        else:
            var = self.running_var
        std = (var + self.eps).sqrt()[None, :, None, None]
        return self.weight[None, :, None, None] * _DynamicMultiplication.apply(1 / std, x, self.state)


class BcosBasicBlock(nn.Module):
    def __init__(self, state, cin, planes, stride):
        super().__init__()
        self.conv1 = BcosConv2d(state, cin, planes, 3, stride, 1)
        self.bn1 = BatchNormUncentered2d(state, planes)
        self.conv2 = BcosConv2d(state, planes, planes, 3, 1, 1)
        self.bn2 = BatchNormUncentered2d(state, planes)
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(BcosConv2d(state, cin, planes, 1, stride, 0),
                                            BatchNormUncentered2d(state, planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.bn2(self.conv2(self.bn1(self.conv1(x))))
        out += identity
        return out


class BcosResNet(nn.Module):
    """B-cos-v2 ResNet: conv 7x7/2, norm, AvgPool(3,2,1) (small_inputs: conv 3x3/1, no pool), 4 stages, 1x1 B-cos
    classifier, spatial mean, logit bias."""

    def __init__(self, blocks, classes=CLASSES, base=64, small_inputs=False):
        super().__init__()
        self.state = {"explain": False}
        self.conv1 = (BcosConv2d(self.state, 6, base, 3, 1, 1) if small_inputs
                      else BcosConv2d(self.state, 6, base, 7, 2, 3))
        self.bn1 = BatchNormUncentered2d(self.state, base)
        self.pool = nn.Identity() if small_inputs else nn.AvgPool2d(3, 2, 1)
        layers, cin = [], base
        for stage, n in enumerate(blocks):
            planes = base << stage
            layers.append(nn.Sequential(*[BcosBasicBlock(self.state, cin if i == 0 else planes, planes,
                                                         2 if i == 0 and stage > 0 else 1) for i in range(n)]))
            cin = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.fc = BcosConv2d(self.state, cin, classes, 1)
        self.logit_bias = -math.log(classes - 1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.pool(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(x).mean((2, 3)) + self.logit_bias


class BcosDenseNet(nn.Module):
    """B-cos-v2 DenseNet-BC (densenet169: blocks 6, 12, 32, 32, growth 32, bn_size 4, 64 initial features): every
    conv B-cos, uncentered bias-free norms, no ReLU, AvgPool(3,2,1) as pool0, transitions norm-conv-AvgPool(2),
    norm5, 1x1 B-cos classifier, spatial mean, logit bias."""

    def __init__(self, blocks=(6, 12, 32, 32), growth=32, base=64, classes=CLASSES):
        super().__init__()
        self.state = state = {"explain": False}
        layers = [BcosConv2d(state, 6, base, 7, 2, 3), BatchNormUncentered2d(state, base), nn.AvgPool2d(3, 2, 1)]
        channels = base
        self.blocks = nn.ModuleList()
        self.transitions = nn.ModuleList()
        for i, n in enumerate(blocks):
            block = nn.ModuleList()
            for j in range(n):
                c = channels + j * growth
                block.append(nn.Sequential(BatchNormUncentered2d(state, c), BcosConv2d(state, c, 4 * growth, 1),
                                           BatchNormUncentered2d(state, 4 * growth),
                                           BcosConv2d(state, 4 * growth, growth, 3, 1, 1)))
            self.blocks.append(block)
            channels += n * growth
            if i < len(blocks) - 1:
                self.transitions.append(nn.Sequential(BatchNormUncentered2d(state, channels),
                                                      BcosConv2d(state, channels, channels // 2, 1),
                                                      nn.AvgPool2d(2, 2)))
                channels //= 2
        self.stem = nn.Sequential(*layers)
        self.norm5 = BatchNormUncentered2d(state, channels)
        self.classifier = BcosConv2d(state, channels, classes, 1)
        self.logit_bias = -math.log(classes - 1)

    def forward(self, x):
        x = self.stem(x)
        for i, block in enumerate(self.blocks):
            features = [x]
            for layer in block:
                features.append(layer(torch.cat(features, 1)))
            x = torch.cat(features, 1)
            if i < len(self.transitions):
                x = self.transitions[i](x)
        return self.classifier(self.norm5(x)).mean((2, 3)) + self.logit_bias


class BcosLinear(nn.Module):
    """B-cos linear, B=2: out = (|w^ x| / (||x|| + 1e-12)) * (w^ x) per token, w^ the unit-norm rows."""

    def __init__(self, state, cin, cout):
        super().__init__()
        self.state = state
        self.linear = nn.Linear(cin, cout, bias=False)

    def forward(self, x):
        w = self.linear.weight / torch.linalg.vector_norm(self.linear.weight, dim=1, keepdim=True)
        out = F.linear(x, w)
        norm = torch.linalg.vector_norm(x, dim=-1, keepdim=True) + 1e-12
        return _DynamicMultiplication.apply(out.abs() / norm, out, self.state)


class BcosLayerNorm(nn.Module):
    """LayerNorm without bias, (x - mean) * (1/std) * gamma with 1/std a dynamic factor (eps 1e-5)."""

    def __init__(self, state, dim):
        super().__init__()
        self.state = state
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        centred = x - x.mean(-1, keepdim=True)
        std = (centred.pow(2).mean(-1, keepdim=True) + 1e-5).sqrt()
        return self.weight * _DynamicMultiplication.apply(1 / std, centred, self.state)


class BcosAttention(nn.Module):
    def __init__(self, state, dim, heads):
        super().__init__()
        self.state, self.heads = state, heads
        self.norm = BcosLayerNorm(state, dim)
        self.to_qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.to_out = BcosLinear(state, dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = (t.reshape(b, n, self.heads, d // self.heads).transpose(1, 2)
                   for t in self.to_qkv(self.norm(x)).chunk(3, dim=-1))
        attn = (q @ k.transpose(-1, -2) * (d // self.heads) ** -0.5).softmax(-1)
        return self.to_out(_DynamicMatmul.apply(attn, v, self.state).transpose(1, 2).reshape(b, n, d))


class BcosEncoder(nn.Module):
    def __init__(self, state, dim, heads, mlp):
        super().__init__()
        self.attn = BcosAttention(state, dim, heads)
        self.ff = nn.Module()
        self.ff.net = nn.Sequential(OrderedDict(norm=BcosLayerNorm(state, dim), linear1=BcosLinear(state, dim, mlp),
                                                act=nn.Identity(), linear2=BcosLinear(state, mlp, dim)))

    def forward(self, x):
        x = self.attn(x) + x
        return self.ff.net(x) + x


def posemb_sincos_2d(h, w, dim, like):
    y, x = torch.meshgrid(torch.arange(h, dtype=like.dtype), torch.arange(w, dtype=like.dtype), indexing="ij")
    omega = 1.0 / 10000 ** (torch.arange(dim // 4, dtype=like.dtype) / (dim // 4 - 1))
    y = y.flatten()[:, None] * omega[None, :]
    x = x.flatten()[:, None] * omega[None, :]
    return torch.cat((x.sin(), x.cos(), y.sin(), y.cos()), dim=1)


class BcosViTBody(nn.Module):
    def __init__(self, state, classes, patch, dim, depth, heads, mlp, channels=6):
        super().__init__()
        self.patch, self.dim = patch, dim
        self.to_patch_embedding = nn.Module()
        self.to_patch_embedding.linear = BcosLinear(state, patch * patch * channels, dim)
        self.transformer = nn.Sequential(OrderedDict(
            (f"encoder_{i}", BcosEncoder(state, dim, heads, mlp)) for i in range(depth)))
        self.linear_head = nn.Sequential(OrderedDict(norm=BcosLayerNorm(state, dim),
                                                     linear=BcosLinear(state, dim, classes)))

    def forward(self, img):
        b, c, height, width = img.shape
        p, h, w = self.patch, img.shape[2] // self.patch, img.shape[3] // self.patch
        # b c (h p1) (w p2) -> b (h w) (p1 p2 c)
        x = img.reshape(b, c, h, p, w, p).permute(0, 2, 4, 3, 5, 1).reshape(b, h * w, p * p * c)
        x = self.to_patch_embedding.linear(x) + posemb_sincos_2d(h, w, self.dim, x)
        return self.linear_head(self.transformer(x).mean(1))


class BcosViT(nn.Module):
    """The authors' B-cos SimpleViT as BcosSequential(vit, LogitLayer): keys 0.to_patch_embedding..., no class token,
    fixed sin-cos embedding, plain to_qkv, attention weights a dynamic factor. Defaults: ViT-Ti (224 px, patch 16)."""

    def __init__(self, classes=CLASSES, patch=16, dim=192, depth=12, heads=3, mlp=768):
        super().__init__()
        self.state = {"explain": False}
        self.add_module("0", BcosViTBody(self.state, classes, patch, dim, depth, heads, mlp))
        self.logit_bias = -math.log(classes - 1)

    def forward(self, x):
        return getattr(self, "0")(x) + self.logit_bias


def kd_loss(student_logits, teacher_logits, tau=TAU):
    log_ps = F.log_softmax(student_logits / tau, 1)
    pt = F.softmax(teacher_logits / tau, 1)
    return F.kl_div(log_ps, pt, reduction="none").sum(-1).mean(0) * tau * tau


def explanation_loss(student_map, teacher_map):
    b = student_map.shape[0]
    return (1 - F.cosine_similarity(student_map.view(b, -1), teacher_map.view(b, -1))).mean()


def selected(logits, classes):
    return logits[torch.arange(len(classes)), classes].sum()


def bcos_explain(model, images, classes=None, create_graph=False):
    """The authors' B-cos route for one model: in explanation mode, W(x) = d y_c / d x by autograd on the images
    (create_graph for a student, whose W(x) is trained through). Returns logits, classes, W(x)."""
    images = images.detach().requires_grad_(True)
    model.state["explain"] = True
    try:
        out = model(images)
        classes = out.argmax(1) if classes is None else classes
        selected(out, classes).backward(inputs=[images], create_graph=create_graph)
    finally:
        model.state["explain"] = False
    return out, classes, images.grad


def bcos_parts(teacher, student, images, tau=TAU):
    """Student logits, both W(x) for the teacher's top-1 class and the two loss terms of one B-cos e2KD step. The
    student's loss.backward() later runs with explanation mode off."""
    t_out, top1, t_map = bcos_explain(teacher, images)
    s_out, _, s_map = bcos_explain(student, images, top1, create_graph=True)
    return {"student_logits": s_out, "teacher_logits": t_out.detach(), "top1": top1, "student_map": s_map,
            "teacher_map": t_map.detach(), "kd": kd_loss(s_out, t_out.detach(), tau),
            "exp": explanation_loss(s_map, t_map.detach())}


def bcos_step(teacher, student, images):
    parts = bcos_parts(teacher, student, images)
    return parts["kd"] + LAMBDA * parts["exp"]


def std_features(model, x):
    x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    return model.layer4(model.layer3(model.layer2(model.layer1(x))))


def std_head(model, features):
    return model.fc(torch.flatten(model.avgpool(features), 1))


def grad_cam(features, size):
    cam = F.relu((features.grad.mean((2, 3), keepdim=True) * features).sum(1, keepdim=True))
    return F.interpolate(cam, size=size, mode="bilinear", align_corners=False)


def gradcam_parts(teacher, student, images, tau=TAU):
    """GradCAM at layer4 from the feature-map gradient (create_graph for the student); the teacher's trunk runs
    without a graph, only its head is differentiated. Same keys as bcos_parts."""
    s_features = std_features(student, images)
    s_out = std_head(student, s_features)
    with torch.no_grad():
        t_features = std_features(teacher, images)
    t_features.requires_grad_(True)
    t_out = std_head(teacher, t_features)
    top1 = t_out.argmax(1)
    size = images.shape[-2:]
    selected(s_out, top1).backward(inputs=[s_features], create_graph=True, retain_graph=True)
    s_map = grad_cam(s_features, size)
    s_features.grad = None
    selected(t_out, top1).backward(inputs=[t_features])
    t_map = grad_cam(t_features, size).detach()
    return {"student_logits": s_out, "teacher_logits": t_out.detach(), "top1": top1, "student_map": s_map,
            "teacher_map": t_map, "kd": kd_loss(s_out, t_out.detach(), tau), "exp": explanation_loss(s_map, t_map)}


def gradcam_step(teacher, student, images):
    parts = gradcam_parts(teacher, student, images)
    return parts["kd"] + LAMBDA * parts["exp"]


def kd_step(teacher, student, images):
    s_out = student(images)
    with torch.no_grad():
        t_out = teacher(images)
    return kd_loss(s_out, t_out)


def physical_cores():
    """Physical cores among the CPUs this process may run on (SMT siblings counted once)."""
    cores = set()
    for cpu in os.sched_getaffinity(0):
        try:
            with open(f"/sys/devices/system/cpu/cpu{cpu}/topology/core_id") as f:
                core = f.read().strip()
            with open(f"/sys/devices/system/cpu/cpu{cpu}/topology/physical_package_id") as f:
                package = f.read().strip()
            cores.add((package, core))
        except OSError:
            cores.add(("cpu", cpu))
    return max(1, len(cores))


def median(values):
    v = sorted(values)
    return (v[len(v) // 2] + v[(len(v) - 1) // 2]) / 2


def peak_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int)
    parser.add_argument("--size", type=int)
    parser.add_argument("--threads", type=int, default=physical_cores(),
                        help="intra-op threads (default: the physical cores available, %(default)s here)")
    parser.add_argument("--profile", help="write the PyTorch profiler trace (Chrome JSON) of the last timed step here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    family, explained, size, batch = CASES[args.case]
    size = args.size or size
    batch = args.batch or batch
    torch.manual_seed(0)
    if args.case == "bcos-d169-vitti":
        teacher, student = BcosDenseNet(), BcosViT()
        step = bcos_step
    elif family == "bcos":
        teacher, student = BcosResNet([3, 4, 6, 3]), BcosResNet([2, 2, 2, 2])
        step = bcos_step
    else:
        teacher, student = torchvision.models.resnet34(), torchvision.models.resnet18()
        step = gradcam_step if explained else kd_step
    teacher.eval().requires_grad_(False)
    student.train()
    optimizer = torch.optim.Adam(student.parameters(), lr=1e-3)
    print(f"case {args.case}: batch {batch}, {size}x{size} px, {args.warmup} warm-up + {args.steps} timed steps, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    millis, cpu_millis = [], []
    for s in range(args.warmup + args.steps):
        profiler = None
        if args.profile and s == args.warmup + args.steps - 1:
            profiler = torch.profiler.profile(record_shapes=True)
            profiler.__enter__()
        start, cpu_start = time.perf_counter(), time.thread_time()
        if family == "bcos":
            rgb = torch.rand(batch, 3, size, size)
            images = torch.cat([rgb, 1 - rgb], 1)
        else:
            images = torch.randn(batch, 3, size, size)
        loss = step(teacher, student, images)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss.item()
        elapsed = (time.perf_counter() - start) * 1000
        cpu_elapsed = (time.thread_time() - cpu_start) * 1000
        if profiler is not None:
            profiler.__exit__(None, None, None)
            profiler.export_chrome_trace(args.profile)
        if s >= args.warmup:
            millis.append(elapsed)
            cpu_millis.append(cpu_elapsed)
            print(f"step_ms={elapsed:.1f}", flush=True)
    n = len(millis)
    print(f"median_step_ms={median(millis):.1f}")
    print(f"median_step_cpu_ms={median(cpu_millis):.1f}")
    print(f"peak_rss_mib={peak_rss_mib():.1f}")
    print(f"images_per_second={batch * n / (sum(millis) / 1000):.2f}")


if __name__ == "__main__":
    main()
