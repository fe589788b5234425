#!/usr/bin/python3
"""Checks bench/pytorch_reference.py against the authors' float64 ground truth in src/test/resources.

    /usr/bin/python3 -W ignore bench/check_reference_fixtures.py > bench/reference_fixtures.txt

authors-bcos (B-cos ResNet-34 -> ResNet-18, W(x)) and authors-gradcam (ResNet-34 -> ResNet-18, GradCAM at layer4):
the reference's modules and step, run in float64 on the fixture's weights and images (teacher in eval mode, student
in training mode, tau and lambda from loss.json), against the fixture's logits, explanations, loss parts, parameter
gradients and buffers after the step. Prints the max absolute and relative (to the fixture's max |value|) difference
of every quantity and exits 1 when one exceeds the tolerances of e2kd's own fixture tests (1e-9 absolute for logits,
maps and losses; 1e-7 relative for gradients; 4e-15 relative for buffers).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_reference as ref  # noqa: E402

RESOURCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources")
CLASSES = 7
failures = []


def tensor(directory, name):
    return torch.from_numpy(np.load(os.path.join(RESOURCES, directory, name)))


def state(directory, name):
    return torch.load(os.path.join(RESOURCES, directory, name), weights_only=True)


def compare(what, got, want, absolute=None, relative=None):
    got, want = got.detach().double(), want.double()
    if got.shape != want.shape:
        failures.append(what)
        print(f"{what}: shape {tuple(got.shape)} vs {tuple(want.shape)}")
        return
    diff = (got - want).abs().max().item() if got.numel() else 0.0
    rel = diff / max(want.abs().max().item(), 1e-300)
    bad = (absolute is not None and diff > absolute) or (relative is not None and rel > relative)
    if bad:
        failures.append(what)
    print(f"{what}: max abs {diff:.3g}, rel {rel:.3g}{'  EXCEEDS TOLERANCE' if bad else ''}")


def compare_all(what, got, want, relative):
    if set(got) != set(want):
        failures.append(what)
        print(f"{what}: keys differ: {sorted(set(got) ^ set(want))}")
        return
    worst = max(want, key=lambda k: (got[k].double() - want[k].double()).abs().max().item()
                / max(want[k].double().abs().max().item(), 1e-300))
    compare(f"{what} ({len(want)}), worst {worst}", got[worst], want[worst], relative=relative)
    for k in want:
        d = (got[k].double() - want[k].double()).abs().max().item()
        if d > relative * max(want[k].double().abs().max().item(), 1e-300):
            failures.append(f"{what} {k}")


def losses(directory, kd, exp, total):
    expected = json.load(open(os.path.join(RESOURCES, directory, "loss.json")))
    for name, value in (("loss", total), ("kd", kd), ("exp", exp)):
        compare(f"{directory} {name}", value, torch.tensor(expected[name], dtype=torch.float64), absolute=1e-9)
    return expected


def finish(directory, student):
    grads = {k: p.grad for k, p in student.named_parameters()}
    compare_all(f"{directory} gradients", grads, state(directory, "student_grads.pth"), 1e-7)
    buffers = dict(student.named_buffers())
    compare_all(f"{directory} buffers", buffers, state(directory, "student_after_step_buffers.pth"), 4e-15)


def bcos():
    d = "authors-bcos"
    tau, lam = (json.load(open(os.path.join(RESOURCES, d, "loss.json")))[k] for k in ("tau", "lam"))
    teacher = ref.BcosResNet([3, 4, 6, 3], classes=CLASSES, base=4, small_inputs=True).double()
    student = ref.BcosResNet([2, 2, 2, 2], classes=CLASSES, base=4, small_inputs=True).double()
    teacher.load_state_dict(state(d, "teacher.pth"))
    student.load_state_dict(state(d, "student.pth"))
    teacher.eval()
    student.train()
    images = tensor(d, "x.npy").clone().requires_grad_(True)
    # ref.bcos_step, with the loss parts kept
    student.state["explain"] = teacher.state["explain"] = True
    s_out = student(images)
    t_out = teacher(images)
    top1 = t_out.argmax(1)
    ref.selected(s_out, top1).backward(inputs=[images], create_graph=True, retain_graph=True)
    s_map = images.grad
    images.grad = None
    ref.selected(t_out, top1).backward(inputs=[images])
    t_map = images.grad.detach()
    student.state["explain"] = teacher.state["explain"] = False
    kd = ref.kd_loss(s_out, t_out.detach(), tau)
    exp = ref.explanation_loss(s_map, t_map)
    total = kd + lam * exp
    compare(f"{d} teacher logits", t_out, tensor(d, "teacher_logits.npy"), absolute=1e-9)
    compare(f"{d} teacher top-1", top1, tensor(d, "teacher_top1.npy"), absolute=0)
    compare(f"{d} teacher W(x)", t_map, tensor(d, "teacher_expl.npy"), absolute=1e-9)
    compare(f"{d} student logits", s_out, tensor(d, "student_train_logits.npy"), absolute=1e-9)
    compare(f"{d} student W(x)", s_map, tensor(d, "student_train_expl.npy"), absolute=1e-9)
    losses(d, kd, exp, total)
    total.backward()
    finish(d, student)


def narrow_resnet(blocks, base=4):
    """torchvision's ResNet with stage widths base, 2·base, 4·base, 8·base (torchvision fixes them at 64..512)."""
    block = torchvision.models.resnet.BasicBlock
    m = torchvision.models.resnet.ResNet(block, blocks, num_classes=CLASSES)
    m.inplanes = base
    m.conv1 = nn.Conv2d(3, base, 7, 2, 3, bias=False)
    m.bn1 = nn.BatchNorm2d(base)
    m.layer1 = m._make_layer(block, base, blocks[0])
    m.layer2 = m._make_layer(block, 2 * base, blocks[1], stride=2)
    m.layer3 = m._make_layer(block, 4 * base, blocks[2], stride=2)
    m.layer4 = m._make_layer(block, 8 * base, blocks[3], stride=2)
    m.fc = nn.Linear(8 * base, CLASSES)
    return m


def gradcam():
    d = "authors-gradcam"
    tau, lam = (json.load(open(os.path.join(RESOURCES, d, "loss.json")))[k] for k in ("tau", "lam"))
    teacher = narrow_resnet([3, 4, 6, 3]).double()
    student = narrow_resnet([2, 2, 2, 2]).double()
    teacher.load_state_dict(state(d, "teacher.pth"))
    student.load_state_dict(state(d, "student.pth"))
    teacher.eval()
    student.train()
    images = tensor(d, "x.npy")
    # ref.gradcam_step, with the loss parts kept
    s_features = ref.std_features(student, images)
    s_out = ref.std_head(student, s_features)
    with torch.no_grad():
        t_features = ref.std_features(teacher, images)
    t_features.requires_grad_(True)
    t_out = ref.std_head(teacher, t_features)
    top1 = t_out.argmax(1)
    size = images.shape[-2:]
    ref.selected(s_out, top1).backward(inputs=[s_features], create_graph=True, retain_graph=True)
    s_map = ref.grad_cam(s_features, size)
    s_features.grad = None
    ref.selected(t_out, top1).backward(inputs=[t_features])
    t_map = ref.grad_cam(t_features, size).detach()
    kd = ref.kd_loss(s_out, t_out.detach(), tau)
    exp = ref.explanation_loss(s_map, t_map)
    total = kd + lam * exp
    compare(f"{d} student logits", s_out, tensor(d, "student_train_logits.npy"), absolute=1e-9)
    compare(f"{d} teacher GradCAM", t_map, tensor(d, "teacher_train_expl.npy"), absolute=1e-9)
    compare(f"{d} student GradCAM", s_map, tensor(d, "student_train_expl.npy"), absolute=1e-9)
    losses(d, kd, exp, total)
    student.zero_grad()
    total.backward()
    finish(d, student)


if __name__ == "__main__":
    torch.set_num_threads(1)
    print(f"# torch {torch.__version__}, torchvision {torchvision.__version__}")
    bcos()
    gradcam()
    print("FAILED: " + ", ".join(failures) if failures else "all within tolerance")
    sys.exit(1 if failures else 0)
