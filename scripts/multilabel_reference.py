"""PyTorch restatement of e2kd's multi-label terms (docs/METHOD.md section 7), float64, for MultiLabelTermsTest.

Reads DIR/teacher.npy, DIR/student.npy (logits, B x C) and DIR/targets.npy (0/1 class rows, B x C) and, for each
temperature given after DIR, writes DIR/kd_<tau>.npy = [value] and DIR/kd_grad_<tau>.npy = d value / d student;
also DIR/bce.npy = [value], DIR/bce_grad.npy = d value / d student and DIR/explained.npy (B, int64).

    sigmoid_kd : tau^2 * mean_b sum_c KL(Bernoulli(sigmoid(t/tau)) || Bernoulli(sigmoid(s/tau))), written here as
                 the BCE of the student against the teacher's probabilities minus the teacher's own entropy
    bce        : torch.nn.functional.binary_cross_entropy_with_logits(student, targets), mean over all entries
    explained  : argmax over the labelled classes of the teacher's logits; the plain argmax where a row has none
"""
import sys

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError:
    print("NO_TORCH")
    sys.exit(0)

torch.set_num_threads(2)
folder = sys.argv[1]
taus = [float(t) for t in sys.argv[2:]]
teacher = torch.from_numpy(np.load(folder + "/teacher.npy")).double()
student_values = torch.from_numpy(np.load(folder + "/student.npy")).double()
targets = torch.from_numpy(np.load(folder + "/targets.npy")).double()

for tau in taus:
    student = student_values.clone().requires_grad_(True)
    q = torch.sigmoid(teacher / tau)
    cross = F.binary_cross_entropy_with_logits(student / tau, q, reduction="none")
    entropy = F.binary_cross_entropy_with_logits(teacher / tau, q, reduction="none")
    value = (cross - entropy).sum(dim=1).mean() * tau**2
    value.backward()
    name = ("%g" % tau).replace(".", "_")
    np.save(folder + "/kd_" + name + ".npy", np.array([value.item()]))
    np.save(folder + "/kd_grad_" + name + ".npy", student.grad.numpy())

student = student_values.clone().requires_grad_(True)
bce = F.binary_cross_entropy_with_logits(student, targets)
bce.backward()
np.save(folder + "/bce.npy", np.array([bce.item()]))
np.save(folder + "/bce_grad.npy", student.grad.numpy())

labelled = targets > 0
masked = torch.where(labelled, teacher, torch.full_like(teacher, float("-inf")))
explained = torch.where(labelled.any(dim=1), masked.argmax(dim=1), teacher.argmax(dim=1))
np.save(folder + "/explained.npy", explained.numpy().astype(np.int64))
print("OK")
