// binary kernels (instantiations of elementwise.cuh).
#define NUMR_FAMILY_BINARY
#include "elementwise.cuh"
