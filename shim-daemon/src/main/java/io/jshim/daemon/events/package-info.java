/** Task events for containerd: the domain's {@link io.jshim.daemon.task.TaskEvent}s as containerd's event messages, forwarded in order. */
package io.jshim.daemon.events;
