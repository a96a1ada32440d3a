package dev.meshwire.signaling.frame;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a primitive frame field that a client may omit (or send as {@code null}): the frame's record then
 * supplies the documented default. Without it, {@link FrameCodec} treats an absent integer or boolean as
 * required, because a primitive has no "absent" value of its own.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface OptionalField {}
