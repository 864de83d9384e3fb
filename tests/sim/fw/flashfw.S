/* h7sim test image for --flash as an ELF file: a vector table and a loop in
 * flash bank 1 (the CM7's default boot address 0x08000000). */
	.syntax unified
	.thumb
	.section .vectors, "a"
	.word 0x24080000          /* initial MSP: top of AXI SRAM */
	.word reset + 1
	.text
	.thumb_func
	.global reset
reset:
	ldr r0, =0x600D5EED
1:	adds r1, #1
	b 1b
	.ltorg
