package e2kd;

import java.util.LinkedHashMap;
import java.util.Map;

/** Model options written as {@code "k=v,k=v"}. */
public final class Options {
    private Options() {}

    public static Map<String, String> parse(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String kv : text.split(",")) {
            map.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return map;
    }
}
