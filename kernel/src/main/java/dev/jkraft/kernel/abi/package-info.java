/**
 * Linux x86-64 ABI facts: errno values, syscall numbers, flags and struct layouts. Data only, no
 * logic; handlers use these names instead of magic numbers. Depends on nothing.
 */
package dev.jkraft.kernel.abi;
