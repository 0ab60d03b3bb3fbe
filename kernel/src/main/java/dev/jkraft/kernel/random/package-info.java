/**
 * Random numbers for the guest (getrandom, AT_RANDOM, /dev/urandom, address-space randomization):
 * a ChaCha20 keystream from the JDK's cipher, keyed from the host's SecureRandom and re-keyed after
 * each request (fast key erasure), as Linux's CRNG does. Depends on nothing in the kernel.
 */
package dev.jkraft.kernel.random;
