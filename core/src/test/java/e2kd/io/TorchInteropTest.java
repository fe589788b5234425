package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real PyTorch loads what we write: {@code torch.load(weights_only=True)}, then {@code load_state_dict(strict=True)}.
 * Skipped only when {@code /usr/bin/python3} cannot import torch, and never under CI (see e2kd.Installed).
 */
class TorchInteropTest {
    private static final String SCRIPT = """
            import sys
            try:
                import torch, numpy as np
            except ImportError:
                print("NO_TORCH"); sys.exit(0)
            torch.set_num_threads(2)
            model_file, sample_file, student_ours, student_theirs, npy_f32, npy_i64 = sys.argv[1:]

            sd = torch.load(model_file, weights_only=True)
            assert type(sd).__name__ == "OrderedDict", type(sd)
            net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
            net.load_state_dict(sd, strict=True)
            assert list(sd) == list(net.state_dict()), list(sd)
            assert torch.equal(net[0].weight, torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4)
            assert torch.equal(net[1].running_var, torch.tensor([0.5, 2.0]))
            assert net[1].num_batches_tracked.dtype == torch.int64 and int(net[1].num_batches_tracked) == 7

            s = torch.load(sample_file, weights_only=True)
            expect = {
                "conv.weight": torch.tensor([1, -2, 3.5, 0, -0.0, float("nan"), float("inf"), 1e-42]).reshape(2, 1, 2, 2),
                "fc.bias": torch.tensor([3.141592653589793, -1e300, 5e-324], dtype=torch.float64),
                "bn.num_batches_tracked": torch.tensor(-2**63),
                "empty": torch.zeros(0, 3),
                "größe": torch.tensor([2**40, -7]),
                "half": torch.tensor([1, -2, float("inf")], dtype=torch.float16),
                "bf16": torch.tensor([1, 9.183549615799121e-41], dtype=torch.bfloat16),
                "i32": torch.tensor([-5, 2**30], dtype=torch.int32),
                "i16": torch.tensor([-3, 300], dtype=torch.int16),
                "i8": torch.tensor([-128, 127], dtype=torch.int8),
                "u8": torch.tensor([0, 255], dtype=torch.uint8),
                "mask": torch.tensor([True, False, True]),
            }
            assert list(s) == list(expect), list(s)
            for k, v in expect.items():
                assert s[k].dtype == v.dtype and s[k].shape == v.shape, (k, s[k].dtype, s[k].shape)
                assert torch.equal(s[k].reshape(-1).view(torch.uint8), v.reshape(-1).view(torch.uint8)), k

            ours, theirs = torch.load(student_ours, weights_only=True), torch.load(student_theirs, weights_only=True)
            assert list(ours) == list(theirs)
            assert all(torch.equal(ours[k], theirs[k]) and ours[k].dtype == theirs[k].dtype for k in theirs)

            a, b = np.load(npy_f32), np.load(npy_i64)
            assert a.dtype == np.float32 and a.shape == (2, 3) and a.tolist() == [[0, 1, 2], [3, 4, 5.5]]
            assert b.dtype == np.int64 and b.shape == () and int(b) == -9
            print("OK")
            """;

    @TempDir
    Path dir;

    @Test
    void torchLoadsWhatWeWrite() throws IOException, InterruptedException {
        StateDict model = new StateDict()
                .put("0.weight", TensorData.ofFloats(new long[] {2, 3}, new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f}))
                .put("0.bias", TensorData.ofFloats(new long[] {2}, new float[] {1, -1}))
                .put("1.weight", TensorData.ofFloats(new long[] {2}, new float[] {1, 1}))
                .put("1.bias", TensorData.ofFloats(new long[] {2}, new float[] {0, 0}))
                .put("1.running_mean", TensorData.ofFloats(new long[] {2}, new float[] {0.1f, 0.2f}))
                .put("1.running_var", TensorData.ofFloats(new long[] {2}, new float[] {0.5f, 2}))
                .put("1.num_batches_tracked", TensorData.ofLongs(new long[0], new long[] {7}));
        Path modelFile = dir.resolve("model.pth");
        Path sampleFile = dir.resolve("sample.pth");
        Path student = dir.resolve("student.pth");
        Path f32 = dir.resolve("a.npy");
        Path i64 = dir.resolve("b.npy");
        PthWriter.write(model, modelFile);
        PthWriter.write(PthWriterTest.sample(), sampleFile);
        Path original = Fixtures.resource("authors-bcos/student.pth");
        PthWriter.write(PthReader.read(original), student);
        NpyWriter.write(TensorData.ofFloats(new long[] {2, 3}, new float[] {0, 1, 2, 3, 4, 5.5f}), f32);
        NpyWriter.write(TensorData.ofLongs(new long[0], new long[] {-9}), i64);

        String output = python(modelFile, sampleFile, student, original, f32, i64);
        e2kd.TorchPython.requireTorch(output);
        assertEquals("OK", output.strip());
    }

    private static String python(Path... args) throws IOException, InterruptedException {
        return e2kd.TorchPython.run(SCRIPT, args);
    }
}
