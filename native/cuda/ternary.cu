// ternary kernels (instantiations of elementwise.cuh).
#define NUMR_FAMILY_TERNARY
#include "elementwise.cuh"
