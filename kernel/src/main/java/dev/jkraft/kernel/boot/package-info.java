/**
 * The boot sequence and the run loop: registers the micro-libraries and applies {@code --set}
 * options, checks and loads the program, builds its process, and drives its CPU — system calls
 * to the dispatcher, page faults to {@code vmem}, other faults to a signal report. Depends on
 * every other kernel package and on the platform contract, never on a platform.
 */
package dev.jkraft.kernel.boot;
