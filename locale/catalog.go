package locale

// catalog maps each language to its messages.
var catalog = map[string]map[string]string{Korean: ko, English: en}
