package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The authors' files written by torch.save under PyTorch 1.13 equal their numpy copies bit for bit. */
class AuthorsFixturesTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "authors-bcos/student",
                "authors-bcos/teacher",
                "authors-bcos/student_grads",
                "authors-bcos/student_after_step_buffers",
                "authors-gradcam/student",
                "authors-gradcam/teacher",
                "authors-gradcam/student_grads",
                "authors-gradcam/student_after_step_buffers"
            })
    void pthEqualsNpz(String name) {
        StateDict pth = PthReader.read(Fixtures.resource(name + ".pth"));
        StateDict npz = NpzReader.read(Fixtures.resource(name + ".npz"));
        assertTrue(pth.size() > 0);
        Fixtures.assertSameStateDict(npz, pth);
    }
}
