/* pickers — the choices control's forms offer (docs/ui.md, "Control console"): senders, recipients
 * and channels from the scenario, and the labels its injects use, so an added inject is built from
 * what the scenario knows rather than typed free text ("phone" refused, "call" accepted). */
#ifndef CC_PICKERS_H
#define CC_PICKERS_H

#include <jansson.h>

#include "core/scenario.h"

/* A new object (owned by the caller; NULL when out of memory):
 * {"senders": ["control", SEAT...], "recipients": ["all", "cell:ID"..., "party:ID"..., "group:ID"...,
 * SEAT...], "channels": [NAME...], "labels": [BANNER...] (the distinct labels of the scenario's injects,
 *  every one valid under its policy), "label_parts": {"classes": [NAME...] (lowest first),
 *  "caveats": [NAME...], "release": [GROUP..., PARTY...]} (what any banner of the policy is made
 *  of, so a form can offer every label the policy allows)}. */
json_t *cc_pickers(const cc_scenario *s);

#endif
