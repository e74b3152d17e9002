use posdesk::tui::i18n::Lang;
use posdesk::tui::testing::Rig;
use posdesk::store::dashboard::Filter;

#[test]
fn explore() {
    let mut rig = Rig::new(Lang::En, false);
    let t0 = std::time::Instant::now();
    let r = rig.app.desk.load_demo(120, 5).unwrap();
    eprintln!("demo {:?} {:?}", t0.elapsed(), r.deposits);
    let d = &rig.app.desk;
    eprintln!("{:?}", d.refund_totals().unwrap());
    eprintln!("{:?}", d.dashboard_filtered_totals(&Filter::default()).unwrap());
    for row in d.dashboard_page(&Filter::default(), None, 5).unwrap() { eprintln!("{row:?}"); }
    eprintln!("{:?}", d.refunds_per_day(30).unwrap());
    eprintln!("{:?}", d.batch_preview().unwrap());
    let today = d.clock.today().format("%Y-%m-%d").to_string();
    let f = Filter { overdue_on: Some(today), ..Default::default() };
    for row in d.dashboard_page(&f, None, 50).unwrap() { eprintln!("OVERDUE {row:?}"); }
    for p in posdesk::store::point::list(d.conn()).unwrap() { eprintln!("{p:?}"); }
    let rows = d.dashboard_page(&Filter::default(), None, 200).unwrap();
    let f = rows.iter().find(|r| r.state=="refund_failed").unwrap();
    eprintln!("{:?}", d.deposit_timeline(f.deposit_id).unwrap());
}
