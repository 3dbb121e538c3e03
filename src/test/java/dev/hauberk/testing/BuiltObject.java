package dev.hauberk.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The BPF object the build placed on the class path (target/classes/bpf/hauberk.bpf.o). */
public final class BuiltObject {

    private BuiltObject() {
    }

    public static Path path() throws URISyntaxException {
        URL url = BuiltObject.class.getResource(dev.hauberk.sensor.Sensor.OBJECT_RESOURCE);
        if (url == null) {
            throw new IllegalStateException("BPF object not on the class path; run the build through ./mvnw");
        }
        return Path.of(url.toURI());
    }
}
