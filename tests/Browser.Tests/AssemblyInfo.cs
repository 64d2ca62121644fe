// Each collection starts its own program and Chromium: one at a time on a small machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
