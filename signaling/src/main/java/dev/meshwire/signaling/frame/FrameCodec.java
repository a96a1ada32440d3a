package dev.meshwire.signaling.frame;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.meshwire.signaling.Json;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** Encodes frames to JSON text and decodes JSON text to frames with precise errors. */
public final class FrameCodec {
    private static final Set<String> KNOWN_TYPES = Arrays.stream(Frame.class.getAnnotation(JsonSubTypes.class).value())
            .map(JsonSubTypes.Type::name).collect(Collectors.toUnmodifiableSet());

    private FrameCodec() {}

    public static String encode(Frame frame) {
        try {
            JsonNode tree = Json.MAPPER.valueToTree(frame);
            ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("type", frame.type());
            return Json.MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + frame.type(), e);
        }
    }

    /**
     * @throws ProtocolException {@code malformed_json}, {@code unknown_frame_type} or
     *     {@code invalid_frame}, with a message that names the problem
     */
    public static Frame decode(String text) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "frame is not valid JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "frame must be a JSON object");
        }
        JsonNode type = tree.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, "frame has no string 'type'");
        }
        if (!KNOWN_TYPES.contains(type.textValue())) {
            throw new ProtocolException(ErrorCode.UNKNOWN_FRAME_TYPE, "unknown frame type '" + truncate(type.textValue()) + "'");
        }
        try {
            return Json.MAPPER.treeToValue(tree, Frame.class);
        } catch (MismatchedInputException e) {
            String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw new ProtocolException(ErrorCode.INVALID_FRAME,
                    type.textValue() + ": bad value" + (path.isEmpty() ? "" : " at '" + path + "'") + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.INVALID_FRAME, type.textValue() + ": " + rootMessage(e));
        }
    }

    /** Reads the {@code id} of a frame that could not be decoded, so the error can echo it. */
    public static String peekId(String text) {
        try {
            JsonNode id = Json.MAPPER.readTree(text).get("id");
            return id != null && id.isTextual() ? truncate(id.textValue()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage();
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
