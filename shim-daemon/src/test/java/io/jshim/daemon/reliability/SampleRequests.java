package io.jshim.daemon.reliability;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A valid request for any method of the task API, to mutate: every scalar field set, strings to an id of the
 * method's own ({@code fz-create}, ...), so that a mutated Create does not hand a task to a mutated Wait,
 * {@code bundle} to a real bundle, stdio left empty so that no mutation turns it into a file somewhere.
 */
final class SampleRequests {
  private SampleRequests() {}

  static byte[] valid(MethodDescriptor<?, ?> method, Path bundle) {
    Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
    String id = "fz-" + method.getBareMethodName().toLowerCase(Locale.ROOT);
    Message.Builder request = prototype.newBuilderForType();
    for (FieldDescriptor field : prototype.getDescriptorForType().getFields()) {
      if (field.isRepeated()) {
        continue;
      }
      switch (field.getJavaType()) {
        case STRING -> {
          switch (field.getName()) {
            case "bundle" -> request.setField(field, bundle.toString());
            case "stdin", "stdout", "stderr", "path", "parent_checkpoint", "checkpoint" -> { }
            default -> request.setField(field, id);
          }
        }
        case INT -> request.setField(field, 9);
        case LONG -> request.setField(field, 9L);
        case BOOLEAN -> request.setField(field, true);
        default -> { }
      }
    }
    return request.build().toByteArray();
  }
}
