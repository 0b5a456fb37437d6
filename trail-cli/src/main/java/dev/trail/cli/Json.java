package dev.trail.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/** Writes Trail's observation and action values as JSON. */
final class Json {

    private Json() {
    }

    static void writeList(JsonGenerator g, List<Object> values) throws IOException {
        g.writeStartArray();
        for (Object v : values) {
            writeValue(g, v);
        }
        g.writeEndArray();
    }

    /** Writes a scalar, a primitive array, or a string. */
    static void writeValue(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case float[] a -> {
                g.writeStartArray();
                for (float x : a) {
                    g.writeNumber(x);
                }
                g.writeEndArray();
            }
            case double[] a -> {
                g.writeStartArray();
                for (double x : a) {
                    g.writeNumber(x);
                }
                g.writeEndArray();
            }
            case int[] a -> g.writeArray(a, 0, a.length);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Float f -> g.writeNumber(f);
            case Double d -> g.writeNumber(d);
            case Boolean b -> g.writeBoolean(b);
            default -> g.writeString(v.toString());
        }
    }
}
