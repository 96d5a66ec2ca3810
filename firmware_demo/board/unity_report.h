/* On-target checks reported in the style of the Unity test framework, so that CI logs read
 * like any embedded test run: one line per check,
 *   firmware_demo/main.c:57:digit_0_matches_host:PASS
 *   firmware_demo/main.c:57:digit_1_matches_host:FAIL: 3 bytes differ
 * and a closing "N Tests M Failures K Ignored" line, then OK or FAIL. */
#ifndef DNZ_FIRMWARE_BOARD_UNITY_REPORT_H_
#define DNZ_FIRMWARE_BOARD_UNITY_REPORT_H_

#ifdef __cplusplus
extern "C" {
#endif

/* Records and prints one check; `why` (may be NULL) is printed after a failure. Returns
 * `passed`. */
int unity_check(const char* file, int line, const char* name, int passed, const char* why);
void unity_ignore(const char* file, int line, const char* name, const char* why);
/* Prints the closing lines; returns the number of failures. */
unsigned unity_summary(void);

#define UNITY_CHECK(name, passed, why) unity_check(__FILE__, __LINE__, (name), (passed), (why))

#ifdef __cplusplus
}
#endif

#endif /* DNZ_FIRMWARE_BOARD_UNITY_REPORT_H_ */
