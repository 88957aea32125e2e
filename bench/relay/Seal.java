import dev.switchboard.contracts.SecretBox;

/** Prints a provider secret sealed with a data key spec: java -cp contracts.jar Seal.java SPEC SECRET */
public class Seal {
    public static void main(String[] args) {
        System.out.println(SecretBox.fromSpec(args[0]).seal(args[1]));
    }
}
