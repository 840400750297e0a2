"""Every tunable of the matcher in one place, named, with the reason next to it.

Sections by owner: index file and references (matcher/index.py, references.py); video (video.py);
candidates = the `hashes` detector (detectors/hashes.py); verification, region proposals and the
appearance check = the `features` detector (detectors/features.py, verify.py, regions.py); silhouette
search = the `silhouettes` detector; deskew and perspective = the `rectified` detector; verdict = the
fusion stage (verdict.py); siblings (siblings.py); motion (motion.py). The calibrated score's
coefficients are data, not tunables: matcher/calibration.json."""

from __future__ import annotations

# --- index file -------------------------------------------------------------------------------
INDEX_FORMAT = "mamoru-matcher-index"
INDEX_FORMAT_VERSION = 2      # bump when what index.npz holds changes (2: sharp_thumbs / sharp_row, the sibling groups'
                              # members at SIB_SHARP_SIDE, branch thumb9): a file of another format is refused, rebuilt
ALGORITHM_VERSION = "m7"  # bump when hashing/features change: stored indexes must be rebuilt (m5: coverage_full, m6: off-centre crops,
                          # m7: colour thumbnails and sibling groups; matcher/see_through.py changes the keypoints of see-through
                          # references: bump to m8 with the next calibration fit, whose provenance names the algorithm)

# --- references -------------------------------------------------------------------------------
REF_FEATURE_SIDE = 512        # long side of the reference image the features are computed on
REF_MIN_SIDE = 96             # sprites are upscaled (nearest) to at least this so features exist
REF_FEATURES = 700            # ORB keypoints per reference variant
REF_CROP_VARIANTS = (0.9, 0.8, 0.7, 0.6, 0.5)  # centre crops hashed at index time (uploaders crop; the issue asks down to 50 %)
REF_OFFCENTRE_CROP = 0.65     # ... and crops of this share on a grid of positions (a random 50-75 % crop of smooth
REF_OFFCENTRE_GRID = 4        # art, which has no keypoints, hashes close to one of them 4 times in 10, vs 1 in 10)
FLATTEN_BACKGROUND = (255, 255, 255)   # transparent pixels become white (how most uploads show them)
SEE_THROUGH_OVERSAMPLE = 3    # see-through art (matcher/see_through.py): keypoints looked for, times REF_FEATURES, on it flattened
                              # on white and on black...
SEE_THROUGH_PX = 2.0          # ... a keypoint is the art's own when one of the other lies within this (reference px)...
SEE_THROUGH_BITS = 50         # ... with a descriptor within this many bits (of 256; unrelated descriptors differ in ~128)
SEE_THROUGH_MIN = 150         # ... and art with this many such keypoints is described by them alone (title logos 220-550 of
                              # 2100; a small walk-cycle sprite's are its silhouette's, 6-45: it keeps all its keypoints)

# --- video -----------------------------------------------------------------------------------
ANALYSIS_LONG_SIDE = 960      # frames are analysed at this long side (1080x1920 -> 540x960)
SAMPLE_FPS = 1.0              # at least this many analysed frames a second (the issue asks >= 1), plus scene cuts
SCENE_FPS = 6.0               # frames looked at (tiny, grey) to detect scene changes
SCENE_CUT = 18.0              # mean abs difference (0..255) of 32x32 grey thumbnails that is a cut
MAX_FRAMES = 240              # cap of analysed frames per clip
FRAME_PHASH_GAP = 2.0         # a keyframe's pHash: the frame box-reduced to at least this many times 32 px first (PIL's
                              # reducing_gap; hashing.frame_phash_hex)
STATIC_SKIP = 3.0             # a frame this close (mean abs diff) to the last analysed one reuses its result
TRUNCATED_SHARE = 0.5         # decoded less than this share of the declared duration -> truncated

# --- candidates --------------------------------------------------------------------------------
PHASH_CANDIDATE = 12          # Hamming distance (of 64) at which a hashed region proposes a reference
HASH_APPEAR_LOW, HASH_APPEAR_FULL = 0.55, 0.85  # appearance share needed by a hash-only match
DHASH_CANDIDATE = 8           # ... or dHash distance
PHASH_VETO = 26               # but a hash match whose pHash is further than this (chance is ~32) scores nothing
HASH_ASPECT = 1.6             # a hashed region's aspect within this factor of its variant's (shown art keeps its shape)
HASH_TOP = 8                  # candidates kept per region from the Hamming search
WINDOW_SCALES = (0.9, 0.7, 0.5, 0.35, 0.25)  # sub-region window widths, as a share of content width
WINDOW_STEP = 0.25            # window stride as a share of the window size

# --- verification ------------------------------------------------------------------------------
FRAME_FEATURES = 1500         # ORB keypoints per analysed frame
RATIO = 0.8                   # Lowe ratio test
VOTE_MIN = 5                  # ratio-test matches a reference needs before RANSAC is tried
VERIFY_TOP = 4                # references verified per frame from the coarse search
VERIFY_GROUP_TOP = 2          # ... at most this many references of one sibling group (they share the votes of the keypoints they share)
TWIN_VOTES = 20              # a model this voted for that fails geometry has its mirror twin verified too
PRECHECK_PAIRS = 6            # ... and only when this many of their coarse pairs agree on one similarity
PRECHECK_PAIRS_TOP = 4        # ... this many for the frame's most voted model
PRECHECK_PX = 3.0             # ... within this many frame pixels (tighter than verification: the coarse pairs of a copy are exact)
RANSAC_PX = 6.0               # reprojection error in reference pixels (REF_FEATURE_SIDE scale)
RANSAC_SEED = 0               # OpenCV's RANSAC draws from one generator per thread: reseeded at each scan, a clip's result
                              # does not depend on what the process matched before it (another clip, another test)
MIN_INLIERS = 10
MIN_BOX_SIDE = 24             # a matched region smaller than this (analysis px) is noise

# --- verdict ------------------------------------------------------------------------------------
DEFAULT_THRESHOLD = 0.5       # one threshold for every reference: scores are probabilities (matcher/calibration.json)
PROBABILITY_MIN, PROBABILITY_MAX = 0.0001, 0.9999   # a calibrated score never claims certainty (4 decimals shown)
FRAME_HIT = 0.35              # a frame counts toward spans from this frame score up
THUMB_HEIGHT = 480
COVERAGE_FULL = 0.2           # inliers / visible reference keypoints at which coverage counts fully
COVERAGE_FULL_MIN = 0.08      # ... or at what a clean copy of the reference reaches, if less (index time), but
                              # not below this (a tiled logo reaching 3 % would count any ten inliers fully)
COVERAGE_SELF_SCALE = 0.75    # that clean copy: the reference scaled by this (bilinear, as a video frame resamples)...
COVERAGE_SELF_BLUR = 0.7      # ... softened by this Gaussian sigma (px; scaling and encoding soften edges)...
COVERAGE_SELF_PAD = 40        # ... on a grey margin this wide (px)
MIN_SPREAD = 0.02             # inliers' bounding box must cover this share of the reference area
DECODE_THREADS = 1            # one core per clip; run more clips in parallel to use more cores
SEARCH_THREADS = 1            # ... and one thread for FAISS's descriptor search (matcher.index)
CONTENT_MIN_ENERGY = 1.5      # mean abs gradient under which a row/column is a bar or fill
CONTENT_REL_ENERGY = 0.12     # ... or under this share of the frame's 90th percentile (blurred fill)
CONTENT_MIN_STD = 4.0         # a row/column flatter than this (grey levels) is a bar
# --- region proposals ---------------------------------------------------------------------------
EDGE_STEP = 16                # grey-level step across a pasted picture's border
PROPOSAL_MIN_SIDE = 0.12      # proposals' sides at least this share of the frame's side
PROPOSAL_MAX_AREA = 0.8       # bigger ones are the content region's job
PROPOSAL_SIDE_SUPPORT = 0.6   # share of each side that must lie on an edge
MAX_LINES = 14
MAX_PROPOSALS = 6
PROPOSAL_CROSS = 0.95         # an edge across a proposal, this well supported (or as well as its own sides), makes it
                              # two stacked regions (a picture and the caption or fill above it): ranked after the others
PROPOSAL_CROSS_MIN = 0.8      # ... but at least this (a line of meme text across a weakly edged strip is not a border)
PROPOSAL_CROSS_MARGIN = 0.04  # ... when it runs this far (share of the side) inside the proposal (not a doubled side)
REGION_FEATURE_SIDE = 480     # a proposal is rescaled to this long side before ORB
REGION_FEATURES = 800
REGION_FEATURE_IOU = 0.8      # a proposal overlapping a searched one this much gets no feature search of its own
REGION_SEARCHES = 3           # region feature searches a frame at most (the best-ranked proposals; a screen of UI boxes has dozens)
REGION_HASH_FIRST = True      # ... its hash candidates verified first: one sure over the region (REGION_INSIDE_SCORE, REGION_INSIDE)
                              # makes the region's index search needless
REGION_MIN_VOTES = 4          # ... each only when a hash candidate is there or one model has this many of the frame search's pairs
                              # inside it (on the synth and ffmpeg quick sets no search under 6 found anything; 48 % are skipped)
REGION_INSIDE = 0.8           # ... and one this much inside a reference found on the frame with a sure score
REGION_INSIDE_SCORE = 0.8     # ... (a weaker match may still gain from the closer look) neither
FEATURE_OVERSAMPLE = 3        # detect this many times the keypoints wanted, then spread them over a grid
FEATURE_CELLS = 24            # grid cells for that spreading
# --- partial views (features detector; a 30-60 % crop of a reference filling the frame) ----------------
PARTIAL_SIDE = 400            # the content region is searched again shrunk as the whole frame would be to this long side...
PARTIAL_FEATURES = 600        # ... with this many keypoints
PARTIAL_MIN_WIDTH = 0.6       # ... when it spans this share of the frame's width (a small picture is a proposal's job)
PARTIAL_MIN_HEIGHT = 0.25     # ... and this share of its height
PARTIAL_MAX_SHARE = 0.85      # ... and keeps a match only when at most this share of the reference lies inside the region
PARTIAL_SKIP_SCORE = 0.5      # ... and nothing on the frame is found at this feature score yet (the decision point)
PARTIAL_WINDOW_MIN = 0.3      # a match is also judged on the window of the reference its inliers span (the rest covered
PARTIAL_WINDOW_MAX = 0.85     # by footage or cropped away) when that window is this share of the reference's area or more, and at most this
PARTIAL_WINDOW_PAD = 0.05     # ... the inliers' box grown by this share of the reference's side each way
PARTIAL_WINDOW_FLOOR = 0.7    # ... its score times this at PARTIAL_WINDOW_MIN, rising to 1 for the whole reference
# --- appearance check (dense, after geometry) ----------------------------------------------------
THUMB_SIDE = 64               # references are kept as THUMB_SIDE x THUMB_SIDE grey thumbnails
APPEAR_GRID = 8               # compared cell by cell on this grid
APPEAR_NCC = 0.5              # a cell agrees when its normalised cross-correlation reaches this
APPEAR_MIN_STD = 2.0          # cells with less detail than this (high-pass std) in the reference are blank
APPEAR_FLAT = 1.2             # ... and on the frame, covered (a caption bar, a sticker)
EVIDENCE_LOW, EVIDENCE_FULL = 1.05, 1.35  # appearance share + inlier spread: no credit, full credit
CONTENT_EDGE = 40.0            # a step this sharp (grey levels between neighbours) is picture, not blurred fill
HASH_MIN_CELLS = 6            # a hash-only match needs this many comparable cells
REGION_MIN_STD = 8.0          # a flat proposal (a letterbox bar) is not a picture
SPREAD_GRID = 4               # reference cells for the inlier spread
OVERLAY_TOL = 12              # grey levels around a cell's median that count as "one tone"
OVERLAY_UNIFORM = 0.6         # a frame cell this much one tone, where the reference cell is not, is covered
PROPOSAL_SIDE = 480            # rectangle proposals are searched on a frame scaled to about this long side
LSH_ABOVE = 20_000            # index keypoints above which the frame search is approximate (LSH; about 40 references)
LSH_TABLES = 16               # LSH tables, each keyed on two of a descriptor's 32 bytes (16 at most)
LSH_BUCKET_CAP = 16           # an LSH bucket over this many times the mean size is left out (crowded keys)
MAX_DESC_DISTANCE = 80        # ORB descriptors further apart than this (of 256 bits) are no match
OVERLAY_ROW = 0.8             # a frame row this much one tone is part of a caption bar
VOTE_BUDGET = 1_000_000       # keypoints in the coarse search, shared by all models (all of them for small indexes)
VOTE_MIN_PER_MODEL = 60      # ... but at least this many per model
VOTE_PER_MODEL = 250          # ... and at most this many (the strongest): the search costs frame x index keypoints
VOTE_SHARED_SLACK = 4         # a frame keypoint paired with a sibling group's member is paired with every member whose nearest keypoint is within this many bits of it
VOTE_QUERY = 700              # frame keypoints (strongest first) in the coarse search
HASH_CAND_VOTES = 2           # a hash candidate gets feature verification with this many coarse votes...
PHASH_VERIFY = 8              # ... or a pHash this close
EXPLAIN_IOU = 0.6             # two references matched on regions overlapping this much compete...
EXPLAIN_RATIO = 0.5           # ... and the one with under this share of the other's inliers is dropped
OVERLAY_BRIGHT, OVERLAY_DARK = 200, -1   # caption bars are white (dark uniform rows are letterbox bars or night skies)
APPEAR_SMOOTH = 1.0           # Gaussian sigma (thumbnail px) before the cell comparison
EXPLAIN_RATIO_HASH = 0.7     # ... and for two hash-only matches, the one under this share of the other score
# --- silhouette search (sprites: references with transparency) ------------------------------------
SIL_BACKGROUNDS = ("grey", "rim")  # a sprite's template is laid on each: mid grey (its outline shows against anything),
                              # its own rim's colour (no edge where the background is as dark as a black outline: a sprite
                              # on a black screen). Coarse pass: the first, and where it misses SIL_COARSE_MIN one template,
                              # the mean of their fields; fine pass: the first, and the others at the scale found where it
                              # fits under SIL_FALLBACK_BELOW; sprite proposals: the first alone
SIL_FALLBACK_BELOW = 0.78     # ... (SIL_FULL: where the first background fits, nothing changes)
SIL_SMOOTH = 0.8              # Gaussian sigma before the gradients (px of the search scale)
SIL_MIN_OPAQUE = 0.05         # a reference needs this opaque share of its thumbnail to be searched by shape
SIL_MAX_SPRITES = 64          # sprite references searched by shape on every region (the first ones; cost grows with them)
SIL_COARSE_SIDE = 48          # regions are searched at this long side first...
SIL_FINE_SIDE = 112           # ... and models that come close again at this one
SIL_SCALES = (1.35, 1.1, 0.95, 0.8, 0.65)# the sprite's long side as a share of the region's (margins; crops past 1)
SIL_PAD = 0.25                # the region is padded by this share of its long side (no gradient) so a cropped sprite fits
SIL_MIN_VISIBLE = 0.4         # a silhouette match must show this share of its box inside the region
SIL_FINE_STEPS = (0.86, 0.9, 0.94, 0.97, 1.0, 1.03, 1.06, 1.1, 1.14) # fine scales around the coarse best
SIL_MIN_TEMPLATE = 10         # templates smaller than this (px) say nothing
SIL_COARSE_MIN = 0.42         # coarse correlation a model needs for the fine pass
SIL_LOW, SIL_FULL = 0.48, 0.78  # fine correlation: no credit, full credit (0.63 is the 0.5 decision point)
SIL_CHECK_SIDE = 64           # the pixel check of a silhouette match runs at this long side
SIL_PIXEL_LOW, SIL_PIXEL_FULL = 0.75, 0.95  # pixel agreement under the sprite: no credit, full credit (a dark ring
                                            # in a photo follows a ring icon's outline and tones to about 0.85)
SIL_PROPOSE_SIDE = 240        # sprite proposals: the whole frame's field at this long side (a transparent sprite over
                              # footage has no rectangle around it and is smaller than any region searched; at 160 until
                              # small4 a logo of 22 % of the frame's width was 20 px wide there, its word mark mush)...
SIL_PROPOSE_SCALES = (0.6, 0.48, 0.38, 0.3, 0.24, 0.19, 0.15)  # ... every sprite model (not its mirror) slid over it at these long sides (share of the frame's)
SIL_PROPOSE_MIN = 0.42        # ... coarse correlation that makes the box around the best place a region...
SIL_PROPOSE_PEAK = 5.0        # ... or a place standing out this many standard deviations from the model's correlation over the
                              # whole frame (silhouette._standout; stickers over busy or dark footage 5.5-10, chance places up to 5.7)
SIL_PROPOSE_FLOOR = 0.33      # ... with at least this correlation; the places ranked by how far they stand out
SIL_PROPOSE_GROW = 0.15       # ... that box grown by this share of its side each way (the region search's scales fit it)
SIL_PROPOSALS = 3             # ... at most this many regions a frame (the best)
SIL_PROPOSE_SAME = 0.7        # ... one this much inside another proposal (or a searched region)...
SIL_PROPOSE_COVERED = 1.2     # ... whose long side is at most this many times its own is not searched again
SIL_PROPOSE_SKIP = 0.8        # ... and none on a frame where a reference is found with this score already
STICKER_FEATURE_SEARCH = True # features again on each sprite proposal (silhouette.proposals), verified against its proposers and
                              # their siblings (detectors.features._search_sticker): a see-through title logo 240 px wide over
                              # a star field gets 7-10 ratio-test pairs on the frame, 26-61 at 1.5-2.7x (sibdev gifsticker)
STICKER_MIN_ZOOM = 1.2        # ... only where the proposed sprite is smaller than the index holds the proposer's keypoints by
                              # this factor (a larger one is the frame search's; sprites shown larger than their 224 px art cost nothing)
STICKER_MAX_ZOOM = 3.0        # ... the region enlarged at most this much (to the reference's long side)
STICKER_FEATURES = 1500       # ... ORB keypoints on the enlarged region (800: 17-31 inliers on a 240 px title, 1500: 28-57)
SIL_COLOUR_FIELDS = True      # the frame's fields (region search and sprite proposals) from its colour structure tensor, not its
                              # grey: a sticker whose colours have the grey of the footage under it (magenta art over a dark
                              # night shot) has no outline in grey (branch small4)
# --- pictures cut by a band's edge (a crop over blurred fill; branch fam2) ---------------------------
BAND_SEAM_STEP = 10           # picture band (regions.picture_band): a seam row steps by this many grey levels (over 2 px)...
BAND_SEAM_SHARE = 0.8         # ... across this share of the frame (a caption bar is narrower)
BAND_SEAM_LOOSE = 0.4         # ... or across this share of it (a box of footage over fill of its tone, a picture narrower than the frame)
BAND_SEAM_SPIKE = 4.0         # ... when that is this many times the median step share of the rows around it (texture steps anywhere)
BAND_SEAM_AROUND = 12         # ... rows each way the median is taken over
BAND_SEAM_PARTS, BAND_SEAM_PART = 8, 0.1   # ... and it steps across this share of each of this many parts of the line
BAND_MIN_SHARE = 0.15         # ... the band between two seams spans this share of the frame's height at least (0.25 until
                             # detail6: a wide logo fitted to a vertical frame's width is a band of 21-23 %; dev2 crop40 logo4
                             # and logo5 had no band, the blurred fill was judged as their detail, 0.11 and 0.50 -> 1.00, 0.95)
BAND_MIN_OUTSIDE = 0.1        # ... and leaves this share of it outside (blurred fill to compare with)
BAND_SHARPER = 1.5            # ... whose median row Laplacian is this many times the outside rows' (fill is blurred)
BAND_HIT_INSIDE = 0.3         # ... the sibling check is told only the band shows for a hit with this share of its box in the band
# a feature match partly covered by a box of footage (features.shown_layer; the sibling check then judges the region
# that shows it, where the footage over the rest would read as the reference's detail missing)
LAYER_BOX_MIN, LAYER_BOX_MAX = 0.3, 0.92   # share of the match's box inside the region
LAYER_INLIERS = 0.97          # ... share of its inliers inside the region (grown by LAYER_TOL px)
LAYER_TOL = 4
LAYER_EXPECTED = 6.0          # ... inliers the rest of the box would hold at the match's coverage (it holds none)
STRIP_MIN_SHARE = 0.2         # picture strips (regions.picture_strips): strips between seams at least this share of the frame's height
SIL_CUT_SCALES = (1.9, 1.6, 1.35, 1.1, 0.95)  # ... the band is searched for sprites at these scales (a crop to 40 % of the area shows a sprite up to 1.6x the band)
SIL_CUT_PAD = 0.5             # ... padded by this share of its long side (the sprite's hidden part fits)
SIL_CUT_CREDIT = 0.5          # a sprite cut by its region's edge: this share of the gain its correlation makes when counted over
                              # the visible part only (silhouette._visible_ncc)
SIL_CUT_FLOOR = 0.5           # ... and its score times SIL_CUT_FLOOR + (1 - SIL_CUT_FLOOR) x that share (silhouette.shown_factor)
# a sprite partly under something laid over it (silhouette.laid_over: a presenter keyed over its legs, a sticker, a caption
# box), judged on the part that shows (its correlation credited as a crop's, SIL_CUT_CREDIT; branch green7)
SIL_LAID_DIFF = 0.6           # a sprite pixel is not shown where the frame, its grey levels fitted to the sprite's, is off by this
                              # share of the sprite's grey spread (smoothed)...
SIL_LAID_SMOOTH = 1.5         # ... the difference smoothed by this Gaussian sigma (px at SIL_CHECK_SIDE) over the sprite's pixels
SIL_LAID_MIN_STD = 12.0       # ... the sprite's spread counted at least this (grey levels: a flat sprite is not made touchy)
SIL_LAID_SHIFT = 1            # ... a blob must hold SIL_LAID_FIRM of the sprite's pixels still that far when each may match within
SIL_LAID_FIRM = 0.01          # ... this many px each way (the placement is never exact: on dev3 gifsticker logo7 a wordmark and its
                              # underline, 1-2 px thick at SIL_CHECK_SIDE, read as laid over without it, none of them firm, and
                              # lifted the pair 0.35 -> 0.55; a presenter over a sprite's 3 px legs keeps 1-2 % firm)
SIL_LAID_BLOB = 0.03          # ... blobs of such pixels of at least this share of the sprite's shown pixels each, reaching its outline,
SIL_LAID_MIN = 0.08           # ... and of this share together, are laid over it (sprite-dev greenscreen: a presenter's head over a
                              # walking sprite's legs hides 8-20 % of its pixels, split in two where dark hair meets dark legs)
SIL_LAID_SHOWN = 0.65         # ... and at least this share of the sprite must still show (sprite-dev greenscreen hides 8-20 %; another
                              # character's sprite read as half laid over, 45-48 %, is not one)
SIL_LAID_FLOOR = 0.0          # ... its score times SIL_LAID_FLOOR + (1 - SIL_LAID_FLOOR) x the share that shows (silhouette.laid_factor):
                              # what is hidden earns nothing (a crop's SIL_CUT_FLOOR of 0.5 let frame 7 of a walk cycle with a
                              # presenter over its legs pass for frame 1 at 0.54, tests/matcher/test_laid_over_sprites.py)
# --- deskew (frames turned by a few degrees) -------------------------------------------------------
SKEW_SIDE = 180               # the frame's short side for the line search
SKEW_LINE = 0.5               # a line needs this share of the short side in edge votes
SKEW_LINES = 12               # the strongest lines looked at
SKEW_DENSE = 3.0              # ... and this many times what the frame's edge density gives any line by chance
SKEW_MIN, SKEW_MAX = 1.5, 16.0  # tilts (degrees) worth turning back (issue 12 item 6: up to 15, was 12)
# --- alignment refinement of hash matches ----------------------------------------------------------
REFINE_MARGIN = 8             # thumbnail pixels of slack around a hashed region's guess
REFINE_ITERS = 40
REFINE_MAX_SCALE = 1.25       # the refined alignment stays this close to the guess in scale
SIL_PIXEL_LOW_OPAQUE = 0.78   # ... for an opaque reference checked by shape (a hash candidate)
# --- perspective (a picture shown as a quadrilateral inside bars) -----------------------------------
QUAD_SIDE = 240               # the frame's long side for the outline search
QUAD_BAR_TOL = 24             # colour difference (any channel) from the bars' colour that is picture
QUAD_BAR_SHARE = 0.75         # share of the frame's outer ring that must be bar (solid bars; a tilted picture as wide as the
                              # frame touches its sides: 0.9 until issue 12 item 6)
QUAD_MIN_AREA = 0.08          # the outline must enclose this share of the frame
QUAD_FIT = 0.9                # the four sides' lines enclose at least this share of the outline's convex hull (and
                              # at most 1 / QUAD_FIT^2 of it: dark corners against dark bars are cut off the hull)
QUAD_MIN_SKEW = 2.5           # a corner this far from 90 degrees makes it a perspective quadrilateral
QUAD_BLOB = 0.002             # blobs at least this share of the frame make up the outline
QUAD_RUN_TURN = 8.0           # hull edges turning less than this (degrees) are one side
QUAD_STRAIGHT = 0.8           # share of the outline's length on its four straight sides
QUAD_FILL = 0.65              # share of the quadrilateral that differs from the bars (a page of text lines, a dark
                              # photo's bright spots on dark bars have a hull but do not fill it)
QUAD_EDGE_OFF = 2.5           # px (outline search scale) either side of a side where picture / bar is looked for
QUAD_EDGE_IN, QUAD_EDGE_OUT = 0.6, 0.85  # shares of a side with picture just inside, bar just outside
QUAD_EDGE_IN_WEAK = 0.4       # ... but one side of the four may have only this share (a dark edge of the picture on dark bars)
# --- screens filmed in a room (matcher.screens: a phone filming a monitor, a TV, another phone) ---------
SCREEN_DARK = (32, 56, 80)    # grey levels (outline search scale) under which a pixel is a screen's black (its page, its
                              # bezel; a camera's black point and glare lift it)
SCREEN_PERCENTILES = (15, 30, 45, 60, 75, 90)  # ... and the frame's grey at these percentiles (a lit screen in a dark room,
                              # a dark one in a bright room: the cut between them is one of the frame's own tones)
SCREEN_LEVEL_STEP = 8.0       # levels closer than this (grey) to one already cut at are skipped
SCREEN_MIN_AREA = 0.04        # a screen's or its picture's region covers at least this share of the frame
SCREEN_MAX_AREA = 0.9         # ... and at most this (the rest is the room: a region this large is the frame's own)
SCREEN_FILL = 0.85            # the region fills at least this share of its quadrilateral (a screen's page and a picture
                              # fill theirs; the room's dark or bright patches do not)
SCREEN_CORNER_OUT = 0.1       # corners at most this share of the frame's long side outside the frame
SCREEN_MEDIAN = 3             # median filter (outline search px) over the grey frame before its tones are cut
SCREEN_OPEN = (3, 5)          # ... and each tone region opened by these squares (outline search px): the thin links by which a
                              # screen's black runs into the room's shadows are cut by the larger, a thin bezel kept by the smaller
SCREEN_EDGE_STEP = 16.0       # a side of a screen's quadrilateral is a step of at least this (median grey, inside - outside)
SCREEN_EDGE_OFF = 1.5         # ... inside and outside sampled this far (outline search px) from the side (a bezel is 2-6 px)
SCREEN_EDGE_SIDES = 3         # ... on this many of its four sides (the room's tone regions have ragged, stepless outlines)
SCREEN_CUT_STEPS = 2          # a screen the frame's edges cut (a TV wider than the frame, a phone filmed close: no third
                              # side to step) holds when its other sides, at least this many, all step (main's and dev2's
                              # TVs running off both sides of the frame: no quadrilateral before, branch screen9)
SCREEN_BORDER_PX = 2.0        # ... a side with both ends within this (outline search px) of one frame edge is the frame's cut
SCREEN_FRAME_CORNER = 0.03    # a quadrilateral with a corner this near (share of the long side) a frame corner is the room's
SCREEN_SAME_PX = 6.0          # quadrilaterals whose corners all lie within this (outline search px) are one
SCREEN_MAX_QUADS = 3          # at most this many quadrilaterals a frame searched (the largest)
SIB_BAR_FLAT = 8.0            # a row of the clip's patch whose grey spread is under this is flat (a bar laid over the picture)
SIB_BAR_DETAIL = 16.0         # ... where the reference's row spreads over this (its own detail: not a border of the picture)
SIB_BAR_TONE = 25.0           # ... and whose median grey is this far from the reference's row's (a blown highlight is no bar)
SIB_BAR_SEEN = 0.5            # ... a row judged when this share of it is seen
SIB_BAR_GAP = 3               # ... a bar's own marks (a progress line, a button) may break its flat rows for this many rows
SIB_BAR_MIN_ROWS = 3          # ... this many such rows from the patch's top or bottom edge in make a bar (thumbnail px)
# --- a camera's tone curve (matcher.tone: a screen's gamma, a camera's exposure, shoulder and black point) -----
TONE_BINS = 32                # clip levels binned into this many before the monotone fit
TONE_MIN_BIN = 4              # ... a bin counts with at least this many pixel-channels
TONE_MIN_LEVELS = 6           # ... and a curve is fitted from at least this many bins (a flat picture has no curve)
TONE_MIN_COVER = 0.97         # ... and only when the clip's levels over all the picture seen lie, for this share, in levels
                              # it was fitted on (where only a card's white face agrees, its ink's levels are unknown to it)
TONE_MIN_BEND = 4.0           # ... and only when it bends: its levels' mean distance (grey) from the best straight line
TONE_MIN_PIXELS = 300         # pixel-channels (where the members agree) needed to fit a curve
# --- a smooth light field over a filmed screen (matcher.tone.fit_shading: glare on the glass, a backlight brighter at
# the panel's centre, vignetting), undone before the sibling check judges the detail (branch screen7) --------------
SHADE_DEGREE = 2              # the gain and the offset fields are polynomials of this degree in the pixel's position
SHADE_MIN_PIXELS = 400        # thumbnail pixels where the members agree needed to fit them (a 96 px thumbnail has 9216)
SHADE_RIDGE = 0.01            # ridge weight (per pixel) pulling the fields to gain 1 and offset 0 (levels 0-255)
SIB_MOIRE_RATIO = 1.5         # a clip's patch with this many times the reference's fine texture (grey, relative to its
                              # spread) where the members agree is grainy (a filmed screen's moire and sub-pixels)...
SIB_SOFT_RATIO = 0.9          # ... or with under this share of it, soft (the reference's small print lost to a lens)
                              # (grainy: 2.5 on sibdev's bust filmed off a monitor; soft: 0.7-0.87 on its card filmed off
                              # a TV; 0.83-1.04 on a bust found at 0.87 already)...
SIB_GRAIN_TILE = 24           # ... the two textures compared tile by tile (thumbnail px: 16 tiles of 96 px), the median of the
                              # tiles' ratios taken (branch screen9): moire and a lens's softness change every tile alike, a
                              # card that is not indexed only the tile or two where its extra pip lies. Measured: main's
                              # near-miss ff_nearmiss_card0_8H on card0_7H 1.53 over the whole patch (two tiles at 10-12: the
                              # eighth heart), median of tiles 1.34; sibdev's bust on a monitor 2.50-2.56 -> 2.58-2.72;
                              # its card on a TV 0.70-0.87 -> 0.72-0.86
SIB_GRAIN_MIN_PIXELS = 100    # ... a tile counts with this many pixels where the members agree (of its 576)
SIB_GRAIN_MIN_TILES = 4       # ... fewer tiles than this: the ratio over the whole patch
SIB_GRAIN_FLOOR = 0.02        # ... a reference tile's fine texture (relative to its spread) is taken as at least this (a flat one)
SIB_MOIRE_SIGMAS = (1.0, 2.5)  # ON again with the tiled ratio (screen7 had it off: the whole-patch ratio lifted main's
                              # near-miss ff_nearmiss_card0_8H to 0.62 for card0_7H, from 0.28)
                              # ... a grainy patch's detail is judged again with it and every member blurred alike by these
                              # (thumbnail px; the bust needs 2.5: its moire is 2-3 px)...
SIB_SOFT_SIGMAS = (1.0,)      # ON again (screen7 had it off for the same near-miss)
                              # ... a soft one's by these (the card 0.38 -> 0.61 at 1.0; at 2.5 an encoded sprite frame not
                              # indexed, 0.86 as fine as the indexed one, lost the limbs that tell it apart: 0.78,
                              # tests/matcher/test_sibling_frames.py)
# --- siblings (near-duplicate references: cards of one deck, frames of one animation) ------------------
SIB_SIDE = 96                 # colour thumbnail side kept per reference (memory-mapped: 27 KB a reference)
SIB_SHARP_SIDE = 256          # a sharper colour thumbnail kept per member of a sibling group only (192 KB a member, memory-
                              # mapped), on which the detail check of a member reads fine detail again when it found none at
                              # SIB_SIDE (matcher.detail_check, branch thumb9): sibdev's bust1 'sad' near-miss (mouth turned
                              # down, two tears) leaves blobs of 25 and 18 px at 96 px, within a true copy's noise (up to 43);
                              # at 192 px its factor is 0.53 (changed_ink 0.04), at 256 px 0.15 (changed 0.032, changed_ink
                              # 0.11) while the 11 true copies of bust1 scanned (cover, duet, full, greenscreen, mirror,
                              # perspective, splitscreen, stitch, zoompunch) keep factor 1 at both
SIB_SHARP_MIN_SCALE = 1.0     # ... read only when the clip shows the picture at this many frame px per sharp thumbnail px or
                              # more (geometric mean; sibdev's busts 1.0-1.9): shown smaller, the sharp thumbnail's detail is
                              # not in the clip and upsampled frame pixels would read as changed
SIB_SHARP_MIN_WIDTH = 8.0     # ... where changed detail counts only in blobs this wide on average (sharp thumbnail px: area over
                              # the box's longer side): a card's thin blue border line, its chroma lost to the encoder's 4:2:0
                              # subsampling, is a 5-6 px wide line of error the height of the card on a true copy (tests/matcher/
                              # test_siblings blurfill KD, 3D, 7S: factor 0.15 without this); sibdev's bust1 'sad' blobs are
                              # 10.1-11.4 wide, true copies of bust1 leave blobs at most 8.1 wide (and under the size needed)
SIB_SHARP_MAX_HIDDEN = 0.0    # ... and only when the check at SIB_SIDE found at most this share of the picture laid over: what
                              # tells a presenter keyed over a bust or a box of footage from changed detail (LONE_RIM_TOUCH,
                              # LONE_HIDDEN_GROW, the blobs' shapes) is tuned in SIB_SIDE px; tests/matcher/test_detail_check_safe's
                              # bust_presenter (hidden 0.031 at 96) and bust_cover (0.073) read as changed at 256 px (factor 0.15)
SIB_PHASH = 24                # full-image pHash distance within which two references may be siblings
SIB_TOP = 32                  # ... at most this many candidates a reference
SIB_ASPECT = 0.12             # ... with aspects within this (log ratio)
SIB_SAME = 0.55               # ... and thumbnails agreeing on this share of pixels
SIB_PIXEL_TOL = 40.0          # a pixel agrees when every channel is within this (grey levels, after smoothing)
SIB_SMOOTH = 1.0              # Gaussian sigma (thumbnail px) before comparing: alignment is never exact
SIB_MIN_STD = 8.0             # channel spread floor when normalising (a flat channel is not stretched)
SIB_GREY_SAT = 18.0           # mean HSV saturation under which the clip is grey and compared in grey
SIB_MIN_SEEN = 0.2            # share of the reference the frame must show for a verdict on its detail
SIB_MIN_DIFF = 0.01           # share of pixels that must differ between siblings for a verdict
SIB_DETAIL_LOW, SIB_DETAIL_FULL = 0.05, 0.25   # detail score: floor credit, full credit
SIB_ERROR_FULL, SIB_ERROR_LOW = 0.3, 0.6      # error (normalised units) there: full credit, floor credit
SIB_INK_SCALE = 3.0           # the reference's own detail (ink): pixels far from their surround (sigma px)
SIB_FLOOR = 0.15              # score factor of a hit whose detail is no closer to it than to a sibling
SIB_ASPECT_MAX = 0.7          # siblings of other shapes (sprite frames trimmed to their box: a stride is wider
                              # than a stance) up to this log aspect ratio, compared aligned by content
SIB_PHASH_SHAPE = 32          # ... candidates by the pHash of the thumbnail at its own shape within this
SIB_ALIGN_GAIN = 0.2          # ... the share centred must be within this of SIB_SAME before aligning
SIB_CONTENT_RATIO = 0.7       # ... their content (not background) areas within this ratio, or the share shrinks
SIB_ALIGN_SLACK = 3           # ... offsets searched beyond the size difference (thumbnail px)
SIB_ALIGN_STEP = 1            # ... one offset every this many thumbnail px
SIB_PALETTE = 0.6             # ... or, two cut-out figures (sprites: references with transparency), their opaque pixels'
                              # colour histograms (SIB_PALETTE_BINS levels a channel) intersecting on this share: the
                              # frames of one character (its poses move its limbs, not its colours: frames of one walk cycle
                              # 0.77-0.95, other characters of one generator's body 0.22-0.34 on the sprite-dev set)
SIB_PALETTE_BINS = 8
SIB_ALIGN_CACHE = 4096        # aligned sibling thumbnails kept in memory at scan time
SIB_AGREE_TOL = 1.0           # normalised units: a pixel where the clip does not show the reference
SIB_INK_NORM = 0.6            # ... this far (normalised units): ink
SIB_DISCRIM_GROW = 1          # thumbnail px the group's discriminating pixels are grown by
SIB_MISMATCH_FULL, SIB_MISMATCH_LOW = 0.12, 0.26   # share of discriminating ink not shown: full credit, none
SIB_ZONE_MIN_INK = 16         # ... and, of each zone where the group differs (a connected part of the grown discriminating
                              # pixels: a card's name, its art, its stars, a number), judged alone when it holds this many
                              # ink pixels judged at least (thumbnail px): a card's '+1' version keeps the art (most of the
                              # discriminating ink) and changes its name, stars and numbers, 3 % of that ink in all but
                              # 30 % of one zone (sib8: sibdev card0_item13 for card0_item1, name zone 0.31 grey, stars
                              # 0.30 colour; true copies of the deck's cards 0-0.09 in the better of grey and colour)
SIB_ZONE_COVERED = 0.8        # ... a zone off in this share of its judged pixels or more is covered, left out (main's
                              # cover_00 logo0: a box of footage over the right of its thin bar, a 20 px zone 1.0 off, the
                              # other 795 px 0; sibdev's +1 card's zones 0.29-0.33 off, tests/matcher/test_sibling_zones' variants'
                              # 0.33-0.68 at most)
SIB_ZONE_CLEAN = 0.25         # ... only in a clean copy: the clip's error on the reference's own ink (normalised units) at
                              # most this (sib8: sibdev's +1 card 0.145-0.16; tests/matcher/test_sibling_zones' +1 cards
                              # 0.15-0.28, SWORD+1 escaping in its frames over it (strict xfail); cards filmed off a screen,
                              # tests/matcher/test_screen_photos, 0.33-0.73 with zones 0.43-0.74 off: moire and glare over a
                              # small corner index. Gated on the error where the group agrees instead, a screen photo
                              # reached 0.23 and the test's frames 0.27: no better)
                              # Not between the frames of one animation (`frames_of`): dev2's sticker_01_sprite1_f6 0.585 -> 0.445
                              # with them, back to 0.585 without
                              # Nor for any reference with frames of its animation in its group (spritedev crop40_03_sprite2_f7
                              # 0.976 -> 0.106 with them judged, 0.976 without)
SIB_EXCESS_FULL, SIB_EXCESS_LOW = 0.3, 0.45   # the clip's error to the reference where another frame of its animation (a
                              # sibling in its palette) differs, less its error where the two agree (normalised units; the
                              # higher of grey and colour, the worst such frame): full credit, none. On sprite-dev true
                              # frames under every edit reach 0.28 (a sticker over the legs), frame k + 4 of a walk cycle
                              # shown for frame k (its other leg shaded) 0.46-0.48
SIB_NORM_ALL = 0.98           # colours normalised over the pixels shown (a sprite's, a crop's) under this share
SIB_SHIFT_PX = 1.2            # reference px the clip may sit off the member when comparing pixels (whole
                              # thumbnail px only: a narrow sprite stretched into the square frame)
SIB_ART_ERODE = 2             # thumbnail px a transparent reference's opaque mask is eroded by
SIB_HUE_SAT, SIB_HUE_TOL = 60, 30.0   # saturation (0-255) from which a pixel's hue counts; degrees it may move
SIB_LOST_SAT, SIB_LOST_SHARE = 120, 0.35   # a discriminating pixel this saturated in the reference (core, eroded 1 px) whose saturation in a clip in colour is under this share of it: the colour is not there
SIB_OCCLUDER_MIN = 0.01       # share of the thumbnail a blob must cover to be something laid over the picture
SIB_OCCLUDER_GROW = 2         # ... grown by this (thumbnail px)
SIB_HIDDEN_WEIGHT = 0.5       # credit lost when all the discriminating detail is hidden
SIB_RENORM_HIDDEN = 0.1       # share of the seen picture laid over (footage, a sticker) from which colours are normalised again without it
SIB_NAME_BELOW = 1.0          # a hit whose sibling factor is under this: the other members of its shape are judged on its geometry
SIB_NAME_MIN_SCORE = 0.3      # ... when its score before the sibling check is at least this
SIB_NAME_MARGIN = 0.2         # ... and one whose factor is higher by this is named (a hit of its own)
# --- motion (frames that only pan or zoom into what was analysed reuse its analysis) -----------------
MOTION_SIDE = 240             # long side of the grey frame the camera motion is tracked on
MOTION_POINTS = 120           # corners followed by optical flow
MOTION_MIN_POINTS = 20        # ... fewer (a flat frame) and the motion is unknown
MOTION_INLIER_SHARE = 0.5     # share of followed corners the camera's similarity must explain (the pixel check below decides)
MOTION_LOOSE_SHARE = 0.25     # ... the share of its fallback (bench.speed's edit-heavy clip: within one shot 0.27-0.84 of the
                              # corners agree, the flow losing a starfield's and gravel's, a caption's staying put)
MOTION_STILL_PX = 0.5         # small-frame px: a followed corner that moved less stayed put (a caption, a text bar)
MOTION_STILL_GREY = 8         # ... grey levels: a pixel that changed less; corners are looked for again where pixels changed
MOTION_FALLBACK_STILL = 0.2   # a fallback camera (`motion._cameras`) is refused when what only staying put explains is more than this share of
                              # the view: then it is one part's motion in a layout whose other part stands still (a split
                              # screen, a box of footage panning beside a still picture: 0.28 on dev2 cover_02, whose next analysis
                              # found the picture), not a caption bar (bench.speed's edit clip: 0.14 at most)
MOTION_PIXEL_TOL = 28         # grey levels: a pixel the moved frame does not explain
MOTION_CHANGED = 0.04         # ... at most this share of the shared view (new text, a new sticker: analyse)
MOTION_MAX_ZOOM = 1.6         # zoomed in further than this since the last analysis: small detail may now be found
MOTION_COVER = 0.85           # share of the frame the moved analysed frame must cover (a zoom-out shows new view at the edges:
                              # 0.96 until the speed work re-analysed every second of a zoom-out; now a frame is analysed once
                              # 15 % of it is new since the last analysis, so what a zoom-out reveals is still looked at)
MOTION_BOX_SEARCH = 48        # small-frame px around a found region where it is looked for in the next frame (a moving picture-in-picture)
MOTION_BOX_NCC = 0.6          # ... normalised correlation at which it is found there
MOTION_REVEAL = 0.12          # share of the frame a moving region may uncover in one step (background hidden behind it)
MOTION_MAX_CARRY = 4.0        # seconds at most an analysis is carried over once a found region moved on its own (then what it swept over is looked at)
MOTION_SOFTEN = 1.5           # Gaussian sigma (small-frame px) before the layered pixel check
CARRY_SURE = 0.8              # an analysis whose hits all score this (or that found nothing) is carried over as above; one that
                              # found a reference less surely only to frames whose pixels changed (motion.changed_share, or
CARRY_DOUBT_CHANGED = 0.005   # ... unexplained by the motion) on at most this share of the view: a sticker bobbing over a still
                              # picture, a presenter swaying, a caption's next word change 1-4 % of it (and may show what the
                              # analysed frame had hidden), a re-encoded still frame 0 (bench.accuracy main, dev2: gif3)
MOTION_LAYER_PX = 2.5         # RANSAC reprojection error of the layered motion (a second between the frames compared)
# --- shots (reference videos: shot boundaries and their keyframes, matcher/shots.py) -------------------
SHOT_SAMPLE_FPS = 4.0         # frames a second looked at for cuts (tiny grey thumbnails and colour histograms)
SHOT_CUT_DIFF = 30.0          # mean grey difference (0-255, 32x32 thumbnails) between looks that is a cut ...
SHOT_CUT_HIST = 0.35          # ... or this Hellinger distance between their colour histograms (16 bins a channel)
SHOT_MIN_LEN_S = 0.5          # a shot shorter than this (a flash, a dissolve's middle) gives no keyframe
SHOT_LONG_S = 6.0             # a longer shot (a pan, a slow zoom) gets one keyframe per this many seconds
SHOT_MIN_STD = 12.0           # grey spread under which a frame is near-uniform (a fade, a black or title card)
SHOT_MIN_MEAN = 16.0          # grey mean under which a frame is near-black
SHOT_DUP_BITS = 8             # keyframes within this pHash distance (of 64) of a kept one are near-duplicates
SHOT_MAX_KEYFRAMES = 120      # at most this many keyframes a video (spread evenly over it when it has more)
SHOT_KEYFRAME_SIDE = 1280     # long side of a kept keyframe (reference art is downscaled to 2048 anyway)
# --- geometry (issue 12 item 6): montage cells, features on rectified and cut-out views ----------------
MONTAGE_SIDE = 240            # the frame's long side for the montage layout search
MONTAGE_MAX_CELLS = 4         # pictures of a montage searched one by one (2x1, 1x2, 2x2, three strips)
MONTAGE_MIN_CELL = 0.04       # a cell covers at least this share of the frame
MONTAGE_BAR_SHARE = 0.5       # share of the frame's outer ring in the padding colour (pictures may touch the edge)
MONTAGE_BLOB_FILL = 0.6       # padded pictures fill this share of their bounding box (not text); pictures that touch
                              # make one blob, cut apart on their gutters
MONTAGE_GUTTER = 0.9          # share of a cell's width (height) on one straight edge that makes it a gutter
MONTAGE_GUTTER_MARGIN = 0.2   # ... when it runs at least this share of the side away from the cell's border
MONTAGE_MIN_STRIP = 0.25      # ... and leaves at least this share of the frame's side on both sides (the layouts searched
                              # cut it in halves or thirds; a caption bar's edges cut off strips of 8-22 %)
VIEW_SIDE = 480               # a montage cell is rescaled to this long side before ORB, a small rectified picture up to it
VIEW_FEATURES = 800           # ORB keypoints of a rectified quadrilateral or a montage cell
VIEW_SKIP_SCORE = 0.8         # a cell holding (REGION_INSIDE of its box inside the cell) a reference found with this score gets no search
# --- sibling verdicts in the clip's score (issue 12 item 3, branch sib2) -------------------------------
SIB_NAME_MIN_FACTOR = 0.9     # a member named on another member's geometry (siblings._named_sibling) must show its own
                              # detail this well: its score is earned by the other card's hit (the deck's shared corners,
                              # frame and layout), so a detail only half shown is no evidence that it is THIS card
# --- placements shared by a picture's sibling hits (matcher/shared_placement.py, branch title5) -----------------
SIB_SAME_PICTURE_IOU = 0.5    # hits on members of one sibling group whose boxes overlap by this place one picture: each is
                              # judged at the placement of theirs that shows its detail best (the verdict must not depend
                              # on which member's keypoints carried the good geometry)
SIB_BAND_SHOWS = 0.85         # a region a hit was found cut by, cut to the frame's picture band (blurred fill is never
                              # the picture), that still covers this share of the band is the band itself (nothing laid over)
SIB_STYLE_LAB = 12.0          # see-through art found cut by a region: a pixel shows one of the art's colours within this (Lab)...
SIB_STYLE_COLOURS = 300       # ... of this many of its opaque thumbnail pixels' colours (evenly sampled)...
SIB_STYLE_MIN_PX = 20         # ... judged when both the region and the rest hold this many of the art's thumbnail pixels...
SIB_STYLE_SHARE = 0.7         # ... and the rest, showing the art's colours this much as the region does, is not laid over
                              # (sibdev's titles under a box of footage 0.28-0.41; another title of the style 0.85)
# --- the detail check of a reference with no indexed sibling (matcher/detail_check.py; issue 12 item 3, branch lone4) ----
LONE_MIN_SCORE = 0.2          # hits scoring at least this are checked (weaker ones cannot reach the threshold)
LONE_RIM = 2                  # thumbnail px of the shown picture's rim left out of the check (smoothing bleeds bars into it)
LONE_ALIGN_ITERS = 30         # the clip is first aligned onto the reference's thumbnail (an affine warp, this many ECC steps)...
LONE_ALIGN_MAX = 4.0          # ... moving no corner further than this (thumbnail px: the hit's geometry is roughly right)
LONE_ALIGN_MOTIONS = (3, 2)   # ... tried in turn: cv2.MOTION_HOMOGRAPHY (3: a picture in perspective), cv2.MOTION_AFFINE (2)
                              # (a shift alone, fitted where an affine warp fails, lands off on flat logos)
LONE_BLUR_SIGMAS = (0.0, 1.0)   # ... the modelled reference blurred by the one of these (thumbnail px) that fits best
LONE_CHROMA_SIGMAS = (1.0,)    # ... and its colour (not its grey) blurred by the one of these that leaves less error over what
                                # is not laid over (detail_check._blurred, _judge): H.264's 4:2:0 keeps colour at half resolution,
                                # so a thin stroke of one hue on another (dev3 gifsticker_03 logo6's pink letters on a blue disc,
                                # 146 px wide) keeps its grey and loses its colour; without it that clean copy read as 16-25 %
                                # changed at 14 of 15 half-pixel offsets of its geometry, with 1.0 at 3-4 of 15 (1.5 and 2.0 never
                                # fit better). Chosen over the whole picture, a caption box over the astronaut
                                # (tests/matcher/test_demo_families) chose it too and was read as changed, not laid over
LONE_FIT_RIDGE = 0.02         # ... its mixing across channels drawn toward none with this weight per pixel (a hue turn still fits)
LONE_HUE_SAT = 60             # ... or after one hue turn: the mode of the hue differences of pixels this saturated (0-255)...
LONE_HUE_BIN = 4              # ... in bins of this many steps (of 256 a turn)
LONE_FIT_PREFER = 3.0         # ... or the reference untouched when it explains those pixels within this (grey levels) as well
LONE_FIT_ROUNDS = 4           # the colour transform (per-channel curve mixed across channels) is refitted this many times...
LONE_FIT_CONSENSUS = 0.3    # when no mix explains LONE_FIT_KEEP of the pixels (half the picture under a see-through panel),
                             # the mix is fitted on what the untouched reference explains when that is this share of them
                             # (detail6: sibdev reupload_00's uncovered half 0.47 -> the fit followed the panel's pink,
                             # the figure read as changed, 1.000 -> 0.114; fitted on that half: no verdict, 1.000)
LONE_FIT_KEEP = 0.6           # ... on the share of pixels it explains best...
LONE_FIT_TOL = 12.0           # ... or every pixel within this (grey levels) of it
LONE_FIT_STRIDE = 3           # ... on every this-many-th shown pixel (smoothed neighbours say the same; the fit is most of the cost)
LONE_FIT_MIN_PX = 200         # ... while at least this many pixels are kept
LONE_CURVE_KEEP = 0.8         # then each channel through a rising curve fitted on this share of pixels the mix explains best
LONE_CURVE_BINS = 16          # ... the medians of this many bins of the channel's levels...
LONE_CURVE_MIN_PX = 8         # ... with at least this many pixels each
LONE_DIFF_TOL = 30.0          # a pixel whose colour error to the modelled reference is over this (grey levels, smoothed,
LONE_DIFF_NOISE = 3.0         # ... the least within 1 px) or this many times the median error (blur, noise) differs
LONE_BLOB_MIN = 0.004         # blobs of differing pixels smaller than this share of the shown reference are noise
LONE_EDGE_GROW = 2            # a blob's edges are compared on it grown by this (thumbnail px: its outline)...
LONE_EDGE_AGREE = 0.7         # ... where the clip's and the reference's gradient magnitudes correlate this much, it is recoloured
LONE_OUTLINE = 0.6            # ... and the reference outlines it: its gradient over LONE_OUTLINE_EDGE on this share of the blob's rim
LONE_OUTLINE_EDGE = 20.0      # ... (Sobel magnitude of the smoothed grey thumbnail)
LONE_FLAT_EDGE = 4.0          # ... (both flat: gradient spreads under this)
LONE_FOREIGN_TOL = 48.0       # a clip pixel this far (grey levels, any channel) from every colour of the modelled reference...
LONE_PALETTE_STEP = 32        # ... (its colours quantised to this step...
LONE_PALETTE_MIN = 0.001      # ... each covering this share of it) is foreign to it
LONE_SOLID = 0.95             # ... or solid in any colour (its area this share of its convex hull's: a sticker; other letters
                              # or strokes in the reference's colours leave a ragged blob, 0.83-0.90)...
LONE_FOREIGN_SOME = 0.4       # ... or this foreign and ...
LONE_SOLID_MIN = 0.015        # ... (by shape only a blob this share of the shown picture: stickers 3-13 %; a speck's shape says nothing)
LONE_SOLID_SOME = 0.7         # ... this solid (a star-shaped sticker)
LONE_FOREIGN_SHARE = 0.7      # a blob this foreign is laid over the picture (a sticker, footage)...
LONE_BOX_FILL = 0.9           # ... or one filling this share of its bounding box (a caption box, a box of footage)...
LONE_BAND = 0.9               # ... or one spanning this share of the shown picture's width or height (a caption bar)
LONE_HIDDEN_GROW = 4          # thumbnail px a blob laid over is grown by (the error round its edge is its own)
LONE_DENSE_SIGMA = 2.0        # the rest: pixels where the colour error averaged over this Gaussian sigma (thumbnail px)...
LONE_DENSE_TOL = 10.0         # ... is over this (grey levels)...
LONE_FINE_SIGMA = 2.0         # ... and the error of the fine structure (grey less its blur at this sigma, thumbnail px)...
LONE_FINE_TOL = 3.0           # ... averaged likewise is over this (grey levels) are changed detail (a stroke moved, other
                              # letters: a patch of error; an edge off by a pixel leaves a thin line, a grade fitted badly
                              # colour error on smooth shading). Own tests: true copies under grade, caption, sticker,
                              # picture-in-picture 0-0.6 % of the picture; another expression 3 %, other words 9-10 %,
                              # another card of the layout 11-13 %, another town 12-14 %
LONE_RECOLOUR_TOL = 20.0      # a region whose colour alone differs by this (grey levels, averaged as above) is recoloured when the
                              # reference outlines it (a grade the transform fits badly leaves up to 18 on smooth shading)
LONE_INK = 8.0                # ... also counted over the reference's fine detail: pixels whose fine structure is this far
                              # from flat (grey levels; own tests: true copies 0-0.7 %, another expression 6.6-7.4 %)
LONE_INK_MIN = 0.1            # ... when that detail covers this share of the picture not laid over (a black icon's only
                              # fine detail is its rim, where what lies round it bleeds in)
LONE_DIFF_FULL, LONE_DIFF_LOW = 0.02, 0.06   # recoloured + changed share (of the picture not laid over, or of its fine
                              # detail, the higher): full credit, none
LONE_FLOOR = 0.15             # score factor of a hit at no credit
LONE_GROUP_MEMBERS = True     # members of a sibling group checked too, where the group agrees (lone5; ON since group6: judged
                              # on that part and, when it finds changes, on the whole picture, the less changed view kept
                              # (detail_check._group_figures): lone5's 7 true pairs lost on sibdev are back, its catch of
                              # bust0's other expression kept; sibdev, dev2, dev3, main, sprite-dev, synth quick in bench/README)
LONE_GROUP_AGREE_MIN = 0.3    # a member of a sibling group is checked where its group agrees when that is this share of its
                              # thumbnail at least (a deck's cards agree on frame and layout; a walk cycle's frames on little)
LONE_RIM_REACH = 4            # a group member's changed region shaped as a caption's line or a sticker that comes this near
                              # the shown picture's edge (thumbnail px) is laid across it from the frame, not a sibling's
                              # detail (sibdev: captions over a card's top or bottom frame 0-3 px from it; bust0's other
                              # expression 32 px in)

# --- made safe (branch lone5): the check gives no verdict (factor 1) where its evidence is not clean -------------------
LONE_ENTER_FOREIGN = 0.08     # a blob reaching the shown picture's rim with this share of colours foreign to the reference
LONE_RIM_TOUCH = 6            # ... on this many rim pixels at least is laid over from beyond the picture (a presenter,
                              # footage pushed in; a sibling drawn in the reference's palette brings no colours of its own)
LONE_FIT_ABSTAIN = 10.0       # no verdict when the median colour error where the picture is clear stays over this (grey
                              # levels) after the fit: the edit is not explained (a cover box pulling the fit, a relit scene)
LONE_PERSPECTIVE_MAX = 2.0    # ... nor when the area a reference pixel takes in the frame differs more than this many times
                              # between the picture's corners (strong perspective: its far side resampled from few pixels)
LONE_CLEAR_MIN = 0.5          # ... nor when less than this share of the shown picture is clear of what is laid over
LONE_RECOLOUR_ALL = 0.85      # recoloured regions holding this share of the reference's saturated pixels (LONE_HUE_SAT)
                              # are one colour edit of the whole picture (pixel art of a few flat colours hue-turned), not
                              # a garment in another colour; nor is anything recoloured in a clip turned grey (SIB_GREY_SAT)
LONE_ADDED_INK = 0.5          # a changed region where the reference's fine detail (LONE_INK) covers under this share of
                              # what the clip's covers is detail ADDED on a plain part (a caption's letters, an emoji's
                              # face): laid over, not a sibling's detail drawn in place of the reference's...
LONE_ADDED_HEIGHT = 0.2       # ... when the region is shaped as a caption's line or a sticker: at most this share of the
                              # thumbnail tall and as wide as tall (own tests: captions and emoji 12-17 px of 96, wider
                              # than tall; another town's buildings 21-45 px, taller than wide)
