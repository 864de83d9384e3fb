/* h7jumpdiag entry point: the only place the program exits. */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
	struct h7_io io = { stdout, stderr };
	int rc = h7_cli_main(argc, argv, &io);

	if (fflush(stdout) != 0 && rc == 0)
		rc = 4; /* H7_EXIT_INTERNAL: output could not be written */
	return rc;
}
