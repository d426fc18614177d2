// pkg-config puts json-c's own directory on the include path (-I.../include/json-c).
#include <json.h>
