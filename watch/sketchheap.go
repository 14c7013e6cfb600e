package watch

import "container/heap"

// maxHeap holds a sketch's hashes with the largest at the root, so that
// the one to drop when a smaller hash comes is found at once.
type maxHeap []uint64

func (h maxHeap) Len() int           { return len(h) }
func (h maxHeap) Less(i, j int) bool { return h[i] > h[j] }
func (h maxHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *maxHeap) Push(x any)        { *h = append(*h, x.(uint64)) }
func (h *maxHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (h *maxHeap) push(x uint64) { heap.Push(h, x) }
func (h *maxHeap) pop() uint64   { return heap.Pop(h).(uint64) }
