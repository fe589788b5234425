#!/usr/bin/python3
"""Multiply-accumulates of one forward pass per image for the benchmark models (convolutions and the classifier),
counted with forward hooks on bench/pytorch_reference.py's models:

    /usr/bin/python3 bench/macs.py
"""
import torch
import torchvision

import pytorch_reference as reference


def forward_macs(model, x):
    total = [0]

    def conv(module, inputs, output):
        total[0] += output.numel() * module.in_channels * module.kernel_size[0] * module.kernel_size[1] // module.groups

    def bcos(module, inputs, output):
        total[0] += output.numel() * module.linear.in_channels * module.k * module.k

    def linear(module, inputs, output):
        total[0] += output.numel() * module.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, reference.BcosConv2d):
            hooks.append(m.register_forward_hook(bcos))
        elif isinstance(m, torch.nn.Conv2d) and not any(m is b.linear for b in model.modules()
                                                          if isinstance(b, reference.BcosConv2d)):
            hooks.append(m.register_forward_hook(conv))
        elif isinstance(m, torch.nn.Linear):
            hooks.append(m.register_forward_hook(linear))
    with torch.no_grad():
        model.eval()(x)
    for h in hooks:
        h.remove()
    return total[0]


def main():
    rows = [("bcos_resnet34 @64", reference.BcosResNet([3, 4, 6, 3]), torch.rand(1, 6, 64, 64)),
            ("bcos_resnet18 @64", reference.BcosResNet([2, 2, 2, 2]), torch.rand(1, 6, 64, 64)),
            ("resnet34 @224", torchvision.models.resnet34(), torch.rand(1, 3, 224, 224)),
            ("resnet18 @224", torchvision.models.resnet18(), torch.rand(1, 3, 224, 224))]
    for name, model, x in rows:
        print(f"{name}: {forward_macs(model, x) / 1e6:.1f} MMAC per image (forward)")


if __name__ == "__main__":
    main()
