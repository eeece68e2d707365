#pragma once
// abi.h as the kernel includes it. The descriptor member `requires` is a
// keyword in C++20, so it is renamed `requires_plugins` for this include only;
// the layout does not change (the descriptor_layout unit test pins it).
#include <stddef.h>  // before the rename, so no system header sees it
#include <stdint.h>

#ifndef NATS_SDK_ABI_H
#define requires requires_plugins
#include <nats_sdk/abi.h>
#undef requires
#endif
