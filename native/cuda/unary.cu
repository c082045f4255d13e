// unary kernels (instantiations of elementwise.cuh).
#define NUMR_FAMILY_UNARY
#include "elementwise.cuh"
