#!/usr/bin/python3
"""Runs bench/pytorch_reference.py's routes on the authors' fixtures and prints how far they are from them.

    /usr/bin/python3 bench/reference_fixtures.py BCOS_DIR GRADCAM_DIR VIT_DIR

BCOS_DIR holds the authors-bcos fixture (B-cos ResNet-34 -> ResNet-18, small stem, width 4, 7 classes), GRADCAM_DIR
the authors-gradcam one (torchvision ResNet-34 -> ResNet-18 narrowed 16x, 7 classes), VIT_DIR the authors-vit one
(BCOS_DIR's teacher -> a miniature B-cos SimpleViT); each directory's README.md says what was computed. Everything runs in float64 with the fixture's tau and lambda through the reference's own
functions (bcos_explain, bcos_parts, gradcam_parts, kd_loss, explanation_loss), then one loss.backward().

Output, one line per compared quantity:  check <fixture> <quantity> <max |ours - theirs|> <max |theirs|>
and for exact ones (top-1 classes):      exact <fixture> <quantity> <same|differ>
The tolerances are the caller's (ReferenceFixturesTest).
"""
import importlib.util
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from torchvision.models.resnet import BasicBlock, ResNet

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("pytorch_reference", os.path.join(_here, "pytorch_reference.py"))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)


def tensor(path):
    return torch.from_numpy(np.load(path))


def arrays(path):
    with np.load(path) as z:
        return {k: torch.from_numpy(z[k]) for k in z.files}


def check(fixture, name, ours, theirs):
    ours = ours.detach().double().reshape(theirs.shape)
    theirs = theirs.double()
    print(f"check {fixture} {name} {(ours - theirs).abs().max().item():.6e} {theirs.abs().max().item():.6e}")


def exact(fixture, name, ours, theirs):
    print(f"exact {fixture} {name} {'same' if torch.equal(ours.long(), theirs.long()) else 'differ'}")


def check_step(fixture, d, student, parts, tau, lam):
    loss = parts["kd"] + lam * parts["exp"]
    expected = json.load(open(os.path.join(d, "loss.json")))
    check(fixture, "loss.kd", parts["kd"], torch.tensor(expected["kd"], dtype=torch.float64))
    check(fixture, "loss.exp", parts["exp"], torch.tensor(expected["exp"], dtype=torch.float64))
    check(fixture, "loss.total", loss, torch.tensor(expected["loss"], dtype=torch.float64))
    student.zero_grad(set_to_none=True)
    loss.backward()
    grads = arrays(os.path.join(d, "student_grads.npz"))
    params = dict(student.named_parameters())
    print(f"exact {fixture} gradient_names {'same' if sorted(grads) == sorted(params) else 'differ'}")
    for name, g in grads.items():
        p = params.get(name)
        check(fixture, "grad." + name, p.grad if p is not None and p.grad is not None else torch.zeros_like(g), g)
    buffers = dict(student.named_buffers())
    after = os.path.join(d, "student_after_step_buffers.npz")
    for name, b in (arrays(after).items() if os.path.exists(after) else ()):
        check(fixture, "buffer." + name, buffers[name], b)


def bcos(d):
    expected = json.load(open(os.path.join(d, "loss.json")))
    tau, lam, classes, width = expected["tau"], expected["lam"], expected["num_classes"], expected["width"]

    def load(blocks, name):
        model = ref.BcosResNet(blocks, classes=classes, base=width, small_inputs=True).double()
        model.load_state_dict(arrays(os.path.join(d, name)), strict=True)
        return model

    teacher, student = load([3, 4, 6, 3], "teacher.npz"), load([2, 2, 2, 2], "student.npz")
    teacher.eval().requires_grad_(False)
    x = tensor(os.path.join(d, "x.npy"))
    check_bcos_eval("authors-bcos", d, teacher, x, "teacher_")
    check_bcos_eval("authors-bcos", d, student, x, "student_eval_")
    check_bcos_step("authors-bcos", d, teacher, student, x, tau, lam, "teacher_expl.npy")


def check_bcos_eval(fixture, d, model, x, prefix):
    """Logits, top-1 and W(x) of one model in eval mode against PREFIX{logits,top1,expl}.npy."""
    model.eval()
    logits, top1, w = ref.bcos_explain(model, x)
    check(fixture, prefix + "logits", logits, tensor(os.path.join(d, prefix + "logits.npy")))
    exact(fixture, prefix + "top1", top1, tensor(os.path.join(d, prefix + "top1.npy")))
    check(fixture, prefix + "expl", w, tensor(os.path.join(d, prefix + "expl.npy")))


def check_bcos_step(fixture, d, teacher, student, x, tau, lam, teacher_expl):
    """One B-cos e2KD step with the student in training mode: logits, both maps, loss parts, gradients."""
    student.train()
    parts = ref.bcos_parts(teacher, student, x, tau=tau)
    check(fixture, "student_train_logits", parts["student_logits"], tensor(os.path.join(d, "student_train_logits.npy")))
    check(fixture, "student_train_expl", parts["student_map"], tensor(os.path.join(d, "student_train_expl.npy")))
    check(fixture, "teacher_train_expl", parts["teacher_map"], tensor(os.path.join(d, teacher_expl)))
    check_step(fixture, d, student, {"kd": parts["kd"], "exp": parts["exp"]}, tau, lam)


def narrow_resnet(blocks, classes, width):
    """torchvision's ResNet with stage widths width, 2*width, 4*width, 8*width (its constructor fixes 64)."""
    model = ResNet.__new__(ResNet)
    nn.Module.__init__(model)
    model._norm_layer, model.inplanes, model.dilation, model.groups, model.base_width = nn.BatchNorm2d, width, 1, 1, 64
    model.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
    model.bn1 = nn.BatchNorm2d(width)
    model.relu = nn.ReLU(inplace=True)
    model.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
    model.layer1 = model._make_layer(BasicBlock, width, blocks[0])
    model.layer2 = model._make_layer(BasicBlock, 2 * width, blocks[1], stride=2)
    model.layer3 = model._make_layer(BasicBlock, 4 * width, blocks[2], stride=2)
    model.layer4 = model._make_layer(BasicBlock, 8 * width, blocks[3], stride=2)
    model.avgpool = nn.AdaptiveAvgPool2d((1, 1))
    model.fc = nn.Linear(8 * width, classes)
    return model


def gradcam(d):
    expected = json.load(open(os.path.join(d, "loss.json")))
    tau, lam, classes = expected["tau"], expected["lam"], expected["num_classes"]

    def load(blocks, name):
        model = narrow_resnet(blocks, classes, 4).double()
        model.load_state_dict(arrays(os.path.join(d, name)), strict=True)
        return model

    teacher, student = load([3, 4, 6, 3], "teacher.npz"), load([2, 2, 2, 2], "student.npz")
    teacher.eval().requires_grad_(False)
    student.train()
    x = tensor(os.path.join(d, "x.npy"))
    parts = ref.gradcam_parts(teacher, student, x, tau=tau)
    check("authors-gradcam", "student_train_logits", parts["student_logits"],
          tensor(os.path.join(d, "student_train_logits.npy")))
    check("authors-gradcam", "student_train_expl", parts["student_map"],
          tensor(os.path.join(d, "student_train_expl.npy")))
    check("authors-gradcam", "teacher_train_expl", parts["teacher_map"],
          tensor(os.path.join(d, "teacher_train_expl.npy")))
    check_step("authors-gradcam", d, student, parts, tau, lam)


def vit(d, bcos_dir):
    expected = json.load(open(os.path.join(d, "loss.json")))
    config = json.load(open(os.path.join(d, "config.json")))
    tau, lam = expected["tau"], expected["lam"]
    teacher = ref.BcosResNet([3, 4, 6, 3], classes=config["num_classes"], base=4, small_inputs=True).double()
    teacher.load_state_dict(arrays(os.path.join(bcos_dir, "teacher.npz")), strict=True)
    teacher.eval().requires_grad_(False)
    student = ref.BcosViT(config["num_classes"], config["patch_size"], config["dim"], config["depth"],
                          config["heads"], config["mlp_dim"]).double()
    student.load_state_dict(arrays(os.path.join(d, "student.npz")), strict=True)
    x = tensor(os.path.join(bcos_dir, "x.npy"))
    check_bcos_eval("authors-vit", d, student, x, "student_eval_")
    check_bcos_step("authors-vit", d, teacher, student, x, tau, lam, "teacher_train_expl.npy")


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: bench/reference_fixtures.py BCOS_DIR GRADCAM_DIR VIT_DIR")
    torch.set_num_threads(1)
    bcos(sys.argv[1])
    gradcam(sys.argv[2])
    vit(sys.argv[3], sys.argv[1])
    print("done")


if __name__ == "__main__":
    main()
