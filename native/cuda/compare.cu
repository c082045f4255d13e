// compare kernels (instantiations of elementwise.cuh).
#define NUMR_FAMILY_COMPARE
#include "elementwise.cuh"
