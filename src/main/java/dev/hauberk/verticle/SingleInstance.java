package dev.hauberk.verticle;

/** Marks a verticle that owns a kernel resource: its descriptor must set instances to 1. */
public interface SingleInstance {
}
