package e2kd.cli;
public class Main { public static void main(String[] a) {
  try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
    System.out.println(m.getEngine().getEngineName()+" "+m.getEngine().getVersion()+" "+m.ones(new ai.djl.ndarray.types.Shape(2,2)).sum());
  }
}}
