#pragma once
/// Library version; VERSION at the repository root is the single source (kept in sync by a test).

#define FC_VERSION_MAJOR 0
#define FC_VERSION_MINOR 1
#define FC_VERSION_PATCH 0
#define FC_VERSION_STRING "0.1.0"
