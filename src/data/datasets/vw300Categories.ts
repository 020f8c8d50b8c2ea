/**
 * The 300-VW benchmark's video lists (Shen et al., "The First Facial Landmark Tracking in-the-Wild
 * Challenge: Benchmark and Results", ICCV Workshops 2015): 50 training videos and the test videos of
 * category 1 (laboratory and naturalistic well-lit conditions), category 2 (real-world human-computer
 * interaction, unconstrained lighting) and category 3 (arbitrary conditions: illumination, occlusion,
 * make-up, expression, head pose).
 *
 * Lists as used by open-mmlab/mmpose `tools/dataset_converters/300vw2coco.py` (videos_test_1/2/3) and,
 * identically, by OpenFace's 300-VW experiment scripts (cat_1/2/3) and D-X-Y/landmark-detection's
 * `generate_300vw_list` (train_dirs, 50 videos).
 */

/** Benchmark categories of 300-VW videos. */
export type Vw300Category = 'train' | 'test1' | 'test2' | 'test3';

/** The video ids of each 300-VW category (`'001'`, …): 50 training videos, 31 / 19 / 14 test videos. */
// prettier-ignore
export const VW300_VIDEOS: Readonly<Record<Vw300Category, readonly string[]>> = Object.freeze({
  train: Object.freeze([
    '001', '002', '003', '004', '007', '009', '010', '011', '013', '015', '016', '017', '018', '019', '020',
    '022', '025', '027', '028', '029', '031', '033', '034', '035', '037', '039', '041', '043', '044', '046',
    '047', '048', '049', '053', '057', '059', '112', '113', '115', '119', '120', '123', '138', '143', '144',
    '160', '204', '205', '223', '225',
  ]),
  test1: Object.freeze([
    '114', '124', '125', '126', '150', '158', '401', '402', '505', '506', '507', '508', '509', '510', '511',
    '514', '515', '518', '519', '520', '521', '522', '524', '525', '537', '538', '540', '541', '546', '547',
    '548',
  ]),
  test2: Object.freeze([
    '203', '208', '211', '212', '213', '214', '218', '224', '403', '404', '405', '406', '407', '408', '409',
    '412', '550', '551', '553',
  ]),
  test3: Object.freeze([
    '410', '411', '516', '517', '526', '528', '529', '530', '531', '533', '557', '558', '559', '562',
  ]),
});

/** The benchmark category of a 300-VW video id ('001', '114', …), or undefined for an unknown id. */
export function vw300Category(videoId: string): Vw300Category | undefined {
  for (const c of Object.keys(VW300_VIDEOS) as Vw300Category[]) {
    if (VW300_VIDEOS[c].includes(videoId)) return c;
  }
  return undefined;
}
