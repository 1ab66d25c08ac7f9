//! Putting candidates in order: by relevance or date, recent articles favoured when
//! asked, reprints of one story collapsed into its best-ranked article, one page cut.
//! Works on [`Candidate`]s alone (fast-field values, no stored article).

use super::collect::Candidate;
use super::request::Sort;
use crate::analyze::fingerprint::distance;

/// Fingerprints this close (in bits) are reprints of one story.
pub const NEAR_DUPLICATE_BITS: u32 = 3;

/// Multiplies scores by up to 1.5 for articles near the newest match (half-life of
/// about three months), so "latest news" searches favour what is recent in the archive.
pub(crate) fn blend_recency(candidates: &mut [Candidate]) {
    let Some(newest) = candidates.iter().filter_map(|c| c.day).max() else {
        return;
    };
    for candidate in candidates.iter_mut() {
        let age = candidate.day.map_or(3650.0, |day| f64::from(newest - day));
        let boost = 1.0 + 0.5 * (-age / 130.0).exp();
        candidate.score = (f64::from(candidate.score) * boost) as f32;
    }
}

/// The comparison that puts candidates in the requested order.
pub(crate) fn comparator(
    sort: Sort,
) -> impl Fn(&Candidate, &Candidate) -> std::cmp::Ordering + Copy {
    move |a: &Candidate, b: &Candidate| {
        let by_score = b
            .score
            .total_cmp(&a.score)
            .then(b.day.cmp(&a.day))
            // Then by fingerprint, not by where the article stands in the index, so
            // that the order does not depend on how the archive is split into
            // segments (only articles of one fingerprint fall back on it).
            .then(a.simhash.cmp(&b.simhash))
            .then(a.address.cmp(&b.address));
        // Undated articles last in both date orders.
        let dated_first = b.day.is_some().cmp(&a.day.is_some());
        match sort {
            Sort::Relevance => a.partial.cmp(&b.partial).then(by_score),
            Sort::Date => dated_first.then(b.day.cmp(&a.day)).then(by_score),
            Sort::Oldest => dated_first.then(a.day.cmp(&b.day)).then(by_score),
        }
    }
}

/// The hits of one page, in order, each with the number of reprints collapsed into it.
///
/// Only as many of the best candidates as the page needs are put in order (a large
/// result has 100,000 matches and a page 10): a reprint is collapsed into the first
/// article of its story in that order, so the first candidates decide the page. Each
/// hit's reprints are then counted among all matches.
pub(crate) fn page(
    candidates: &mut [Candidate],
    sort: Sort,
    collapse: bool,
    offset: usize,
    limit: usize,
) -> Vec<(Candidate, u64)> {
    let needed = offset + limit;
    let compare = comparator(sort);
    let mut window = (needed * 4).max(64);
    let representatives = loop {
        let window_len = window.min(candidates.len());
        if window_len == 0 {
            return Vec::new();
        }
        if window_len < candidates.len() {
            candidates.select_nth_unstable_by(window_len - 1, compare);
        }
        candidates[..window_len].sort_unstable_by(compare);
        let representatives: Vec<usize> = if collapse {
            stories(&candidates[..window_len])
        } else {
            (0..window_len).collect()
        };
        if representatives.len() >= needed || window_len == candidates.len() {
            break representatives;
        }
        window *= 4;
    };
    let shown: Vec<Candidate> = representatives
        .iter()
        .skip(offset)
        .take(limit)
        .map(|&i| candidates[i])
        .collect();
    let mut similar = vec![0u64; shown.len()];
    if collapse {
        // Every match that is a reprint of a shown hit, and not the hit itself.
        for candidate in candidates.iter().filter(|c| c.simhash != 0) {
            if let Some(at) = shown.iter().position(|hit| {
                hit.simhash != 0
                    && hit.address != candidate.address
                    && distance(hit.simhash, candidate.simhash) <= NEAR_DUPLICATE_BITS
            }) {
                similar[at] += 1;
            }
        }
    }
    shown.into_iter().zip(similar).collect()
}

/// Indices of the first article of each story in `ordered`: an article is a reprint
/// of an earlier one when their fingerprints differ in at most
/// [`NEAR_DUPLICATE_BITS`] bits. Fingerprints are split into four 16-bit bands: two
/// that differ in at most three bits share at least one band, so only articles sharing
/// a band are compared.
pub(crate) fn stories(ordered: &[Candidate]) -> Vec<usize> {
    // Per band, a table of chains through the stories' first articles, indexed by the
    // band's low bits: sharing a slot is necessary for sharing a band, and every
    // article met is compared in full, so the answer is that of one exact map per
    // band, without an allocation per article (a trend collapses tens of thousands).
    const END: u32 = u32::MAX;
    let slots = (ordered.len() * 2).next_power_of_two().clamp(16, 1 << 16);
    let slot =
        |hash: u64, band: usize| band * slots + ((hash >> (band * 16)) as usize & (slots - 1));
    let mut heads = vec![END; 4 * slots];
    let mut next = vec![END; 4 * ordered.len()];
    let mut firsts: Vec<usize> = Vec::new();
    for (index, candidate) in ordered.iter().enumerate() {
        // An empty body has no fingerprint to compare.
        if candidate.simhash == 0 {
            firsts.push(index);
            continue;
        }
        let reprint = (0..4).any(|band| {
            let mut earlier = heads[slot(candidate.simhash, band)];
            while earlier != END {
                let e = earlier as usize;
                if distance(ordered[e].simhash, candidate.simhash) <= NEAR_DUPLICATE_BITS {
                    return true;
                }
                earlier = next[e * 4 + band];
            }
            false
        });
        if !reprint {
            firsts.push(index);
            for band in 0..4 {
                let at = slot(candidate.simhash, band);
                next[index * 4 + band] = heads[at];
                heads[at] = index as u32;
            }
        }
    }
    firsts
}

/// Scores with three decimals: more would only be float noise in the JSON.
pub(crate) fn round_score(score: f32) -> f32 {
    (score * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(n: u32, score: f32, day: Option<i32>, simhash: u64) -> Candidate {
        Candidate {
            address: tantivy::DocAddress::new(0, n),
            score,
            day,
            simhash,
            partial: false,
        }
    }

    #[test]
    fn stories_are_those_of_comparing_every_pair() {
        // Fingerprints in clusters (a few bits flipped off a few hundred centres) and
        // some with equal bands but far apart, against the plain quadratic reading.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let centres: Vec<u64> = (0..300).map(|_| random()).collect();
        let list: Vec<Candidate> = (0..5000)
            .map(|n| {
                let centre = centres[(random() % 300) as usize];
                let mut hash = centre;
                for _ in 0..random() % 6 {
                    hash ^= 1 << (random() % 64);
                }
                if n % 7 == 0 {
                    hash = (centre & 0xFFFF) | (random() << 16);
                }
                candidate(n, 1.0, None, if n % 97 == 0 { 0 } else { hash })
            })
            .collect();
        let mut expected: Vec<usize> = Vec::new();
        for (index, c) in list.iter().enumerate() {
            let reprint = c.simhash != 0
                && expected.iter().any(|&e| {
                    list[e].simhash != 0
                        && distance(list[e].simhash, c.simhash) <= NEAR_DUPLICATE_BITS
                });
            if !reprint {
                expected.push(index);
            }
        }
        assert_eq!(stories(&list), expected);
        assert!(
            expected.len() < 3000,
            "clusters collapse: {}",
            expected.len()
        );
        assert_eq!(stories(&list[..1]), [0]);
        assert!(stories(&[]).is_empty());
    }

    #[test]
    fn reprints_collapse_under_the_best_ranked() {
        let story = 0b1011_0110_1100_0011_1010u64 << 20 | 0xF0F0;
        let mut list = [
            candidate(1, 9.0, None, story),
            candidate(2, 8.0, None, 0xFFFF_0000_FFFF_0000),
            candidate(3, 7.0, None, story ^ 0b101), // two bits off: a reprint
            candidate(4, 6.0, None, story ^ 0xFF),  // eight bits off: another story
            candidate(5, 5.0, None, 0),
            candidate(6, 4.0, None, 0),
        ];
        let summary = |groups: Vec<(Candidate, u64)>| -> Vec<(u32, u64)> {
            groups.iter().map(|(c, n)| (c.address.doc_id, *n)).collect()
        };
        assert_eq!(
            summary(page(&mut list, Sort::Relevance, true, 0, 10)),
            [(1, 1), (2, 0), (4, 0), (5, 0), (6, 0)]
        );
        assert_eq!(
            summary(page(&mut list, Sort::Relevance, true, 1, 2)),
            [(2, 0), (4, 0)]
        );
        assert_eq!(
            summary(page(&mut list, Sort::Relevance, false, 0, 3)),
            [(1, 0), (2, 0), (3, 0)]
        );
    }

    #[test]
    fn a_page_of_a_large_result_matches_a_full_sort() {
        // 5,000 matches in 700 stories, a third of them reprints one bit off.
        let mut list: Vec<Candidate> = (0..5000u32)
            .map(|n| {
                let story = u64::from(n % 700).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                let reprint = if n % 3 == 0 { 1u64 << (n % 64) } else { 0 };
                let score = ((n * 7919) % 5003) as f32;
                candidate(n, score, Some((n % 400) as i32), story ^ reprint)
            })
            .collect();
        for sort in [Sort::Relevance, Sort::Date, Sort::Oldest] {
            let mut sorted = list.clone();
            sorted.sort_by(comparator(sort));
            let firsts: Vec<u32> = stories(&sorted)
                .into_iter()
                .skip(20)
                .take(10)
                .map(|i| sorted[i].address.doc_id)
                .collect();
            let paged: Vec<u32> = page(&mut list, sort, true, 20, 10)
                .into_iter()
                .map(|(c, _)| c.address.doc_id)
                .collect();
            assert_eq!(paged, firsts, "{sort:?}");
        }
    }

    #[test]
    fn date_order_puts_undated_last_and_breaks_ties_by_score() {
        let mut list = [
            candidate(1, 1.0, Some(100), 0),
            candidate(2, 5.0, None, 0),
            candidate(3, 2.0, Some(200), 0),
            candidate(4, 3.0, Some(100), 0),
        ];
        list.sort_by(comparator(Sort::Date));
        let ids: Vec<u32> = list.iter().map(|c| c.address.doc_id).collect();
        assert_eq!(ids, [3, 4, 1, 2]);
        list.sort_by(comparator(Sort::Oldest));
        let ids: Vec<u32> = list.iter().map(|c| c.address.doc_id).collect();
        assert_eq!(ids, [4, 1, 3, 2]);
    }

    #[test]
    fn recency_favours_the_newest() {
        let mut list = [
            candidate(1, 1.0, Some(1000), 0),
            candidate(2, 1.0, Some(100), 0),
        ];
        blend_recency(&mut list);
        assert!(list[0].score > 1.4 && list[1].score < 1.01);
    }
}
