#!/usr/bin/env python3
"""Fixtures for e2kd.explain rendering tests (src/test/resources/render-fixtures/render.npz).

bcos_*: B-cos-v2's gradient_to_image (bcos/common.py, smooth=15, alpha_percentile=99.5), restated
here line by line in PyTorch, on a random 6-channel input and W(x) of a non-square 20x27 size.
cam_*: pytorch-grad-cam's scale_cam_image + show_cam_on_image(use_rgb=True, image_weight=0.5),
restated with OpenCV's applyColorMap(COLORMAP_JET). Needs torch and python3-opencv."""
import pathlib

import cv2
import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
g = torch.Generator().manual_seed(4)
H, W = 20, 27
rgb = torch.rand(3, H, W, generator=g)
x = torch.cat([rgb, 1 - rgb])
w = torch.randn(6, H, W, generator=g)
w[:, 5:9, 3:20] += 1.5  # a region with a clear positive contribution


def gradient_to_image(image, linear_mapping, smooth=15, alpha_percentile=99.5):
    contribs = (image * linear_mapping).sum(0, keepdim=True)
    rgb_grad = linear_mapping / (linear_mapping.abs().max(0, keepdim=True).values + 1e-12)
    rgb_grad = rgb_grad.clamp(min=0)
    rgb_grad = rgb_grad[:3] / (rgb_grad[:3] + rgb_grad[3:] + 1e-12)
    alpha = linear_mapping.norm(p=2, dim=0, keepdim=True)
    alpha = torch.where(contribs < 0, 1e-12, alpha)
    if smooth:
        alpha = F.avg_pool2d(alpha, smooth, stride=1, padding=(smooth - 1) // 2)
    alpha = (alpha / torch.quantile(alpha, q=alpha_percentile / 100)).clip(0, 1)
    return torch.cat([rgb_grad, alpha], dim=0).permute(1, 2, 0).numpy()


def scale_cam_image(cam):
    cam = cam - np.min(cam)
    return cam / (1e-7 + np.max(cam))


def show_cam_on_image(img, mask, image_weight=0.5):
    heatmap = cv2.applyColorMap(np.uint8(255 * mask), cv2.COLORMAP_JET)
    heatmap = cv2.cvtColor(heatmap, cv2.COLOR_BGR2RGB)
    heatmap = np.float32(heatmap) / 255
    cam = (1 - image_weight) * heatmap + image_weight * img
    cam = cam / np.max(cam)
    return np.uint8(255 * cam)


cam = torch.relu(torch.randn(H, W, generator=g)).numpy().astype(np.float32)
img = rgb.permute(1, 2, 0).numpy().astype(np.float32)
out = pathlib.Path(__file__).resolve().parent.parent / "src/test/resources/render-fixtures/render.npz"
np.savez(out, bcos_x=x.numpy(), bcos_w=w.numpy(), bcos_rgba=gradient_to_image(x, w).astype(np.float32),
         cam_rgb=rgb.numpy(), cam_map=cam, cam_overlay=show_cam_on_image(img, scale_cam_image(cam)).astype(np.int64))
print("wrote", out)
