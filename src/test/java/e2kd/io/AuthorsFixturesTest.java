package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The authors' files written by torch.save under PyTorch 1.13 equal their numpy copies bit for bit. */
class AuthorsFixturesTest {
    @ParameterizedTest
    @ValueSource(strings = {"student", "teacher", "student_grads", "student_after_step_buffers"})
    void pthEqualsNpz(String name) {
        StateDict pth = PthReader.read(Fixtures.resource("authors-bcos/" + name + ".pth"));
        StateDict npz = NpzReader.read(Fixtures.resource("authors-bcos/" + name + ".npz"));
        assertTrue(pth.size() > 0);
        Fixtures.assertSameStateDict(npz, pth);
    }
}
