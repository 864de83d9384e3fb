/* A minimal USB full-speed device on OTG_FS: the application's CDC-ACM
 * device, enough to enumerate on a real host and on h7sim's host model. */
#ifndef PROBE_USBDEV_H
#define PROBE_USBDEV_H

#include "h7jumpdiag/probe_abi.h"

/* Power the OTG_FS core (HSI48 as the USB clock), connect (D+ pull-up) and
 * wait, bounded, until the host configured the device; progress goes to
 * mb->usb_state. */
void usbdev_connect(volatile struct probe_mailbox *mb);
void usbdev_irq_handler(void);

#endif
